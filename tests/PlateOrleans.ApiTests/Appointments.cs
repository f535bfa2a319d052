using System.Globalization;
using PlateOrleans.Contracts;

namespace PlateOrleans.ApiTests;

/// <summary>What the appointment and voucher tests share: offices with exchange slots, bookings, the slots' counts, the texts sent.</summary>
internal static class Appointments
{
    public const string Morning = "09:00-10:00";
    public const string Afternoon = "14:00-15:00";

    public static string Path(string vin) => SelectionPath(vin, "appointment");

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static object Body(DateOnly date, string slot = Morning, string locationId = "main") => new { locationId, date = Text(date), slot };

    /// <summary>Today in the office calendar (Beijing time) at a moment.</summary>
    public static DateOnly Today(DateTimeOffset now) => OfficeCalendar.LocalDate(now);

    /// <summary>A new office (as <see cref="ApiDriver.CreateOfficeAsync"/>) whose one location "main" has a morning and an afternoon slot.</summary>
    public static async Task<string> OfficeAsync(ApiDriver api, int capacity = 10, string locationName = "本所")
    {
        var office = await api.CreateOfficeAsync();
        await api.UpdateOfficeAsync(office, new
        {
            locations = new[]
            {
                new { id = "main", name = locationName, slots = new[] { new { slot = Morning, capacity }, new { slot = Afternoon, capacity } } },
            },
        });
        return office;
    }

    /// <summary>How many places of the slot are booked on the date, as the public slots list shows it.</summary>
    public static async Task<int> BookedAsync(ApiDriver api, string office, DateOnly date, string slot = Morning)
    {
        var slots = await Expect(HttpStatusCode.OK, api.Anonymous().GetAsync($"/api/v1/offices/{office}/appointment-slots?date={Text(date)}"));
        return slots.EnumerateArray().Single(s => s.GetProperty("locationId").GetString() == "main" && s.GetProperty("slot").GetString() == slot)
            .GetProperty("booked").GetInt32();
    }

    /// <summary>The texts sent to a phone, newest first.</summary>
    public static async Task<List<string>> TextsAsync(ApiDriver api, string phone) =>
        [.. (await Expect(HttpStatusCode.OK, api.Anonymous().GetAsync($"/api/v1/dev/sms?phone={phone}"))).EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];
}
