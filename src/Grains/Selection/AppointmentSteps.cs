using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// Books, moves and cancels a formal selection's exchange appointment across the office's day grains, so that no move
/// loses or doubles a place. The change is stored first (<see cref="AppointmentChange"/>), then the new place is booked,
/// then the old one released, then the selection's appointment is stored: a crash anywhere leaves the change in the
/// store, and <see cref="RepairAsync"/> (on activation, and at the wake-up the change sets a minute later) finishes it
/// if the new place was booked, or drops it if not, releasing whatever place is then not the selection's own.
/// </summary>
/// <param name="keep">Stores the selection's state now.</param>
public sealed class AppointmentSteps(IGrainFactory grains, string vin, SelectionState state, Func<Task> keep)
{
    public async Task<SelectionReply> BookAsync(SelectionRules rules, OfficeSnapshot office, SelectionCommand.BookAppointment booking)
    {
        var checkedBooking = rules.Appointment.CheckBooking(office, booking.LocationId, booking.Date, booking.Slot);
        if (checkedBooking.Error is { } refusal)
        {
            return refusal;
        }

        var target = checkedBooking.Value!;
        return rules.Appointment.HasAppointment(target) ? rules.View() : await ChangeAsync(rules, target);
    }

    public async Task<SelectionReply> CancelAsync(SelectionRules rules) =>
        rules.Appointment.CheckCancel() is { } refusal ? refusal : await ChangeAsync(rules, null);

    private async Task<SelectionReply> ChangeAsync(SelectionRules rules, AppointmentView? target)
    {
        var change = rules.Appointment.BeginAppointmentChange(target);
        await keep();
        if (target is not null)
        {
            var booked = await DayOf(target.Date).BookAsync(vin, target.LocationId, target.Slot);
            if (booked.Error is { } error)
            {
                rules.Appointment.AbandonAppointmentChange();
                return error;
            }

            target = booked.Value!;
        }

        await ReleasePreviousAsync(change);
        rules.Appointment.CompleteAppointmentChange(target);
        return rules.View();
    }

    /// <summary>Finishes or drops a change that was cut off: what the target day holds for the vehicle decides.</summary>
    public async Task RepairAsync(SelectionRules rules)
    {
        if (state.AppointmentChange is not { } change)
        {
            return;
        }

        if (change.Target is { } target
            && (await DayOf(target.Date).FindAsync(vin) is not { } held || held.LocationId != target.LocationId || held.Slot != target.Slot))
        {
            // The new place was never booked (or the day holds the old one): nothing changed.
            rules.Appointment.AbandonAppointmentChange();
            return;
        }

        await ReleasePreviousAsync(change);
        rules.Appointment.CompleteAppointmentChange(change.Target);
    }

    /// <summary>Frees the old place, unless it is on the target's day (where booking the new place replaced it).</summary>
    private Task ReleasePreviousAsync(AppointmentChange change) =>
        change.Previous is { } previous && previous.Date != change.Target?.Date
            ? DayOf(previous.Date).ReleaseAsync(vin)
            : Task.CompletedTask;

    private IAppointmentDayGrain DayOf(DateOnly date) => grains.Get<IAppointmentDayGrain>(AppointmentDays.Key(state.OfficeCode, date));
}
