namespace PlateOrleans.Contracts;

/// <summary>
/// The clock rules of an office: maintenance, the opening date, daily hours in local time. All of mainland China keeps
/// one time, UTC+8 with no daylight saving, so local time is a fixed offset.
/// </summary>
public static class OfficeCalendar
{
    public static readonly TimeSpan LocalOffset = TimeSpan.FromHours(8);

    private static readonly DateTimeOffset _latestReckoned = DateTimeOffset.MaxValue.AddDays(-2);

    /// <summary>The office's local date at a moment.</summary>
    public static DateOnly LocalDate(DateTimeOffset moment) => DateOnly.FromDateTime(moment.ToOffset(LocalOffset).DateTime);

    /// <summary>The moment a local date ends (the next local midnight): a deadline "by that date" passes then.</summary>
    public static DateTimeOffset EndOf(DateOnly localDate) =>
        new DateTimeOffset(localDate.AddDays(1).ToDateTime(TimeOnly.MinValue), LocalOffset).ToUniversalTime();

    /// <summary>Whether the office takes selections at <paramref name="now"/>, and if not, when it next does.</summary>
    public static (OfficeState State, DateTimeOffset? OpensAt) StateAt(OfficeSettings office, DateTimeOffset now)
    {
        if (office.Maintenance)
        {
            return (OfficeState.Maintenance, null);
        }

        if (office.OpensAt is { } opening && now < opening)
        {
            return (OfficeState.NotYetOpen, NextOpening(office.Hours, opening));
        }

        return IsWithinHours(office.Hours, now)
            ? (OfficeState.Open, null)
            : (OfficeState.Closed, NextOpening(office.Hours, now));
    }

    /// <summary>The error a closed office answers with, or null when it is open.</summary>
    public static PlateError? Gate(OfficeSnapshot office, DateTimeOffset now) => StateAt(office.Settings, now) switch
    {
        (OfficeState.Maintenance, _) => new PlateError(ErrorCodes.Maintenance, $"{office.Settings.Name}选号系统维护中，请稍后再试。"),
        (OfficeState.NotYetOpen, var opensAt) => new PlateError(ErrorCodes.SelectionClosed, $"{office.Settings.Name}尚未开放网上选号。") { OpensAt = opensAt },
        (OfficeState.Closed, var opensAt) => new PlateError(
            ErrorCodes.SelectionClosed,
            $"不在选号开放时间内（每日 {office.Settings.Hours.From}–{office.Settings.Hours.To}）。") { OpensAt = opensAt },
        _ => null,
    };

    private static bool IsWithinHours(OfficeHours hours, DateTimeOffset now)
    {
        if (now > _latestReckoned)
        {
            return false;
        }

        var local = now.ToOffset(LocalOffset);
        var minute = (local.Hour * 60) + local.Minute;
        return minute >= hours.FromMinute && minute < hours.ToMinute;
    }

    /// <summary>The first moment at or after <paramref name="from"/> within the daily hours.</summary>
    private static DateTimeOffset NextOpening(OfficeHours hours, DateTimeOffset from)
    {
        // Local time is ahead of UTC and the next opening may be a day on: near the calendar's end either would overflow.
        // Settings refuse such dates; one stored before they did must still not make the office list fail.
        if (from > _latestReckoned)
        {
            return from;
        }

        if (IsWithinHours(hours, from))
        {
            return from;
        }

        var local = from.ToOffset(LocalOffset);
        var todayOpening = new DateTimeOffset(local.Date, LocalOffset).AddMinutes(hours.FromMinute);
        var opening = todayOpening > local ? todayOpening : todayOpening.AddDays(1);
        return opening.ToUniversalTime();
    }
}
