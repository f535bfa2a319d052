using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// The exchange appointment (预约换领号牌的时间和地点) and the reminder before the exchange deadline. Who may book, which
/// dates, and when a booking can no longer change are decided here; the places themselves are counted by the office's
/// day grains (<see cref="AppointmentSteps"/> books them). The selection's own appointment is
/// <see cref="SelectedView.Appointment"/>; an <see cref="AppointmentChange"/> is stored while a change is under way.
/// </summary>
public sealed class AppointmentRules(SelectionContext selection)
{
    /// <summary>How long after an appointment change began the selection wakes up to finish it, should it have been cut off.</summary>
    public static readonly TimeSpan RepairAfter = TimeSpan.FromMinutes(1);

    /// <summary>The local time of the day before the exchange deadline at which the reminder goes out.</summary>
    public static readonly TimeOnly DeadlineReminderTime = new(9, 0);

    private SelectionState State => selection.State;

    private SelectionMode Mode => selection.Mode;

    private DateTimeOffset Now => selection.Now;

    /// <summary>
    /// When the applicant is reminded of the exchange deadline: at <see cref="DeadlineReminderTime"/> on the day before
    /// the last day, once; not for a selection confirmed after that moment (its confirmation already said the date).
    /// </summary>
    public DateTimeOffset? DeadlineReminderAt =>
        State.Stage == SelectionStage.Completed && State.DeadlineReminderSentAt is null
        && State.Selected is { ExchangeBy: { } by } selected
        && ReminderMoment(by) is var moment && selected.ConfirmedAt < moment
            ? moment
            : null;

    /// <summary>When an appointment change cut off midway is finished by the selection itself.</summary>
    public DateTimeOffset? RepairAt => State.AppointmentChange?.At + RepairAfter;

    private static DateTimeOffset ReminderMoment(DateOnly exchangeBy) =>
        new DateTimeOffset(exchangeBy.AddDays(-1).ToDateTime(DeadlineReminderTime), OfficeCalendar.LocalOffset).ToUniversalTime();

    /// <summary>When the reminder is due, it is recorded as sent (stored before the text goes out, so it goes out once).</summary>
    public bool RemindIfDue()
    {
        var now = Now;
        if (DeadlineReminderAt is not { } due || due > now)
        {
            return false;
        }

        selection.MarkChanged();
        State.DeadlineReminderSentAt = now;
        selection.Record(new SelectionEvent.DeadlineNear(now, State.Selected!, State.Phone));
        return true;
    }

    /// <summary>
    /// Whether this booking may be made: a completed (not exchanged, not lapsed) formal selection; a location and slot of
    /// the office; a date from today (a slot not yet begun) to the exchange deadline; and, for a move, a booking that can
    /// still change. Answers the appointment as it would read, or the rule broken.
    /// </summary>
    public Outcome<AppointmentView> CheckBooking(OfficeSnapshot office, string locationId, DateOnly date, string slot)
    {
        if (AppointmentStage() is { } wrongStage)
        {
            return wrongStage;
        }

        if (office.Settings.Locations.FirstOrDefault(l => l.Id == locationId) is not { } location)
        {
            return PlateError.Validation("locationId", "该车管所没有这个办理地点。");
        }

        if (location.Slots.All(s => s.Slot != slot) || AppointmentDays.StartOf(slot) is not { } start)
        {
            return PlateError.Validation("slot", "该办理地点没有这个时段。");
        }

        var now = Now;
        var today = OfficeCalendar.LocalDate(now);
        var exchangeBy = State.Selected!.ExchangeBy!.Value;
        if (date < today || date > exchangeBy)
        {
            return PlateError.Validation("date", $"预约日期须在 {today:yyyy-MM-dd} 至换牌期限 {exchangeBy:yyyy-MM-dd} 之间。");
        }

        if (date == today && start <= TimeOnly.FromDateTime(now.ToOffset(OfficeCalendar.LocalOffset).DateTime))
        {
            return PlateError.Validation("slot", "该时段已开始，请选择其他时段。");
        }

        var target = new AppointmentView(locationId, location.Name, date, slot);
        if (State.Selected.Appointment is { } current && !IsSamePlace(current, target) && Locked(current) is { } locked)
        {
            return locked;
        }

        return target;
    }

    /// <summary>Whether the booked appointment may be cancelled now.</summary>
    public PlateError? CheckCancel()
    {
        if (AppointmentStage() is { } wrongStage)
        {
            return wrongStage;
        }

        return State.Selected!.Appointment is { } current
            ? Locked(current)
            : PlateError.NotFound("尚未预约换牌时间和地点。");
    }

    /// <summary>Whether the selection's appointment already is this place (a repeated booking changes nothing).</summary>
    public bool HasAppointment(AppointmentView place) => State.Selected?.Appointment is { } current && IsSamePlace(current, place);

    /// <summary>Starts a change to <paramref name="target"/> (null: cancel); it must be stored before any day changes.</summary>
    public AppointmentChange BeginAppointmentChange(AppointmentView? target)
    {
        var change = new AppointmentChange(target, State.Selected!.Appointment, Now);
        selection.MarkChanged();
        State.AppointmentChange = change;
        return change;
    }

    /// <summary>The change did not happen (the slot was full, say): the appointment stays what it was.</summary>
    public void AbandonAppointmentChange()
    {
        selection.MarkChanged();
        State.AppointmentChange = null;
    }

    /// <summary>The change happened: <paramref name="booked"/> (null: none) is the selection's appointment, and the applicant is told.</summary>
    public void CompleteAppointmentChange(AppointmentView? booked)
    {
        var previous = State.AppointmentChange?.Previous ?? State.Selected!.Appointment;
        selection.MarkChanged();
        State.AppointmentChange = null;
        State.Selected = State.Selected! with { Appointment = booked };
        if (booked != previous)
        {
            selection.Record(new SelectionEvent.AppointmentChanged(Now, State.Selected.Plate, booked, previous, State.Phone));
        }
    }

    private PlateError? AppointmentStage() =>
        Mode.IssuesVoucher && State.Stage == SelectionStage.Completed && State.Selected is { ExchangeBy: not null }
            ? null
            : selection.WrongStage("只有已完成预选、尚未换牌的号牌可以预约换牌。");

    /// <summary>From the day before the booked date on, a booking neither moves nor is cancelled.</summary>
    private PlateError? Locked(AppointmentView current) =>
        OfficeCalendar.LocalDate(Now) >= current.Date.AddDays(-1)
            ? new PlateError(ErrorCodes.AppointmentLocked, $"预约日（{current.Date:yyyy-MM-dd}）前一天起不能更改或取消预约。")
            : null;

    private static bool IsSamePlace(AppointmentView a, AppointmentView b) =>
        a.LocationId == b.LocationId && a.Date == b.Date && a.Slot == b.Slot;
}
