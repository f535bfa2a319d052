namespace PlateOrleans.Baseline.Domain;

/// <summary>When an office takes selections: maintenance, its opening moment, daily hours in local time (UTC+8).</summary>
public static class OfficeCalendar
{
    public static readonly TimeSpan LocalOffset = TimeSpan.FromHours(8);

    public static DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(utc + LocalOffset);

    /// <summary>open, closed, notYetOpen or maintenance, and when it next opens if closed.</summary>
    public static (string State, DateTime? OpensAt) StateAt(Office office, DateTime now)
    {
        if (office.Maintenance)
        {
            return ("maintenance", null);
        }

        if (office.OpensAt is { } opening && now < opening)
        {
            return ("notYetOpen", NextOpening(office, opening));
        }

        return Within(office, now) ? ("open", null) : ("closed", NextOpening(office, now));
    }

    /// <summary>The error a closed office answers with, or null when it is open.</summary>
    public static Error? Gate(Office office, DateTime now) => StateAt(office, now) switch
    {
        ("maintenance", _) => new Error(Codes.Maintenance, $"{office.Name}选号系统维护中，请稍后再试。"),
        ("notYetOpen", var at) => new Error(Codes.SelectionClosed, $"{office.Name}尚未开放网上选号。") { OpensAt = at },
        ("closed", var at) => new Error(Codes.SelectionClosed, $"不在选号开放时间内（每日 {office.HoursFrom}–{office.HoursTo}）。") { OpensAt = at },
        _ => null,
    };

    private static bool Within(Office office, DateTime now)
    {
        var local = now + LocalOffset;
        var minute = (local.Hour * 60) + local.Minute;
        return minute >= office.FromMinute && minute < office.ToMinute;
    }

    private static DateTime NextOpening(Office office, DateTime from)
    {
        if (Within(office, from))
        {
            return from;
        }

        var local = from + LocalOffset;
        var today = local.Date.AddMinutes(office.FromMinute);
        var opening = today > local ? today : today.AddDays(1);
        return DateTime.SpecifyKind(opening - LocalOffset, DateTimeKind.Utc);
    }
}
