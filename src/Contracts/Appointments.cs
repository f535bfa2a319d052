using System.Globalization;
using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>How many places of one slot of one location are booked on a day.</summary>
[GenerateSerializer, Immutable, Alias("SlotBookings")]
public sealed record SlotBookings(
    [property: Id(0)] string LocationId,
    [property: Id(1)] string Slot,
    [property: Id(2)] int Booked);

/// <summary>The grain key of an office's exchange appointments on one day of its calendar: <c>130100|2026-12-01</c>.</summary>
public static class AppointmentDays
{
    public static string Key(string officeCode, DateOnly date) =>
        $"{officeCode}|{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>The office and the date of a key made by <see cref="Key"/>.</summary>
    public static (string OfficeCode, DateOnly Date) Parse(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return (key[..bar], DateOnly.ParseExact(key[(bar + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>The local time a slot such as <c>09:00-10:00</c> starts at, if it is one.</summary>
    public static TimeOnly? StartOf(string slot) =>
        slot.Length == 11 && TimeOnly.TryParseExact(slot[..5], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            ? start
            : null;
}

/// <summary>
/// The exchange appointments of one office on one day (key <see cref="AppointmentDays.Key"/>), held by VIN: a vehicle
/// has at most one place a day, a repeated booking of the same place books once, and no slot is ever booked beyond the
/// capacity the office's settings give it. One grain per office and day takes the bookings one at a time, so the last
/// places go to exactly as many vehicles as there are places, however many ask at once.
/// </summary>
[Alias("PlateOrleans.IAppointmentDayGrain")]
public interface IAppointmentDayGrain : IGrainWithStringKey
{
    /// <summary>
    /// Books (or moves, within the day) the vehicle's place: <c>validation_failed</c> for a location or slot the office
    /// does not have, <c>slot_full</c> when the slot has no capacity left. The vehicle's place already there: success.
    /// </summary>
    [Alias("Book")]
    Task<Outcome<AppointmentView>> BookAsync(string vin, string locationId, string slot);

    /// <summary>Frees the vehicle's place on this day, if it holds one.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string vin);

    /// <summary>The vehicle's place on this day, if it holds one.</summary>
    [ReadOnly, Alias("Find")]
    Task<AppointmentView?> FindAsync(string vin);

    /// <summary>The booked places per location and slot (only those with any).</summary>
    [ReadOnly, Alias("GetBookings")]
    Task<IReadOnlyList<SlotBookings>> GetBookingsAsync();
}
