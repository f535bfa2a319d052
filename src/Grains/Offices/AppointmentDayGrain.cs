using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Offices;

/// <summary>The stored bookings of one office's day, by VIN.</summary>
[GenerateSerializer, Alias("AppointmentDayState")]
public sealed class AppointmentDayState
{
    [Id(0)] public Dictionary<string, DayBooking> ByVin { get; set; } = [];
}

/// <summary>One vehicle's place on the day.</summary>
[GenerateSerializer, Immutable, Alias("DayBooking")]
public sealed record DayBooking(
    [property: Id(0)] string LocationId,
    [property: Id(1)] string LocationName,
    [property: Id(2)] string Slot,
    [property: Id(3)] DateTimeOffset BookedAt);

/// <summary>
/// The exchange appointments of one office on one day. Not reentrant: bookings are taken one at a time against the
/// capacity the office's settings give each slot, so a slot never holds more than its capacity, and every booking is
/// stored before it is answered. Held by VIN, so a retried or duplicated booking books once.
/// </summary>
public sealed class AppointmentDayGrain(
    [PersistentState("appointment-day")] IPersistentState<AppointmentDayState> state,
    TimeProvider time) : Grain, IAppointmentDayGrain
{
    private (string OfficeCode, DateOnly Date) Day => AppointmentDays.Parse(this.GetPrimaryKeyString());

    private Dictionary<string, DayBooking> Bookings => state.State.ByVin;

    public async Task<Outcome<AppointmentView>> BookAsync(string vin, string locationId, string slot)
    {
        var (officeCode, date) = Day;
        var office = await GrainFactory.Get<IOfficeGrain>(officeCode).GetAsync();
        if (office is null)
        {
            return PlateError.NotFound($"车管所 {officeCode} 不存在。");
        }

        var location = office.Settings.Locations.FirstOrDefault(l => l.Id == locationId);
        if (location is null)
        {
            return PlateError.Validation("locationId", "该车管所没有这个办理地点。");
        }

        var capacity = location.Slots.FirstOrDefault(s => s.Slot == slot)?.Capacity;
        if (capacity is null)
        {
            return PlateError.Validation("slot", "该办理地点没有这个时段。");
        }

        var previous = Bookings.GetValueOrDefault(vin);
        if (previous is not null && previous.LocationId == locationId && previous.Slot == slot)
        {
            return View(previous, date);
        }

        if (Bookings.Values.Count(b => b.LocationId == locationId && b.Slot == slot) >= capacity)
        {
            return new PlateError(ErrorCodes.SlotFull, $"{location.Name} {date:yyyy-MM-dd} {slot} 已约满，请选择其他时段。");
        }

        var booking = new DayBooking(locationId, location.Name, slot, time.GetUtcNow());
        Bookings[vin] = booking;
        await WriteOrUndoAsync(vin, previous);
        return View(booking, date);
    }

    public async Task ReleaseAsync(string vin)
    {
        if (Bookings.Remove(vin, out var previous))
        {
            await WriteOrUndoAsync(vin, previous);
        }
    }

    public Task<AppointmentView?> FindAsync(string vin) =>
        Task.FromResult(Bookings.GetValueOrDefault(vin) is { } booking ? View(booking, Day.Date) : null);

    public Task<IReadOnlyList<SlotBookings>> GetBookingsAsync() =>
        Task.FromResult<IReadOnlyList<SlotBookings>>(
            [.. Bookings.Values.GroupBy(b => (b.LocationId, b.Slot)).Select(g => new SlotBookings(g.Key.LocationId, g.Key.Slot, g.Count()))]);

    /// <summary>Stores the change; if the store refuses it, memory goes back to what is stored and the caller hears the failure.</summary>
    private async Task WriteOrUndoAsync(string vin, DayBooking? previous)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            if (previous is null)
            {
                Bookings.Remove(vin);
            }
            else
            {
                Bookings[vin] = previous;
            }

            throw;
        }
    }

    private static AppointmentView View(DayBooking booking, DateOnly date) => new(booking.LocationId, booking.LocationName, date, booking.Slot);
}
