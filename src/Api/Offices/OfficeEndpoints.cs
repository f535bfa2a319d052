using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Offices;

public sealed record HoursDto(string From, string To)
{
    public static HoursDto Of(OfficeHours hours) => new(hours.From, hours.To);
}

/// <summary>An office in the list: <c>opensAt</c> is the configured opening, <c>nextOpenAt</c> when it opens again if closed now.</summary>
public sealed record OfficeSummary(string Code, string Name, string Prefix, string Province, OfficeState State, DateTimeOffset? OpensAt, HoursDto Hours, DateTimeOffset? NextOpenAt)
{
    public static OfficeSummary From(OfficeSnapshot office, DateTimeOffset now)
    {
        var (state, next) = OfficeCalendar.StateAt(office.Settings, now);
        var s = office.Settings;
        return new(office.Code, s.Name, s.Prefix, s.Province, state, s.OpensAt, HoursDto.Of(s.Hours), next);
    }
}

/// <summary>
/// One series of the publication with its live counts; <c>blockCounts</c> gives the same counts for each published block
/// (in the order of <c>blocks</c>), and they add up to the series' counts.
/// </summary>
public sealed record SeriesDto(
    PlateKind PlateKind, string EnergyLetter, IReadOnlyList<string> Blocks, int Total, int Available, int Held, int Reserved, int Issued,
    IReadOnlyList<BlockCountsDto> BlockCounts);

/// <summary>Live counts of one published block: <c>total</c> = <c>available</c> + <c>held</c> + <c>reserved</c> + <c>issued</c>.</summary>
public sealed record BlockCountsDto(string Block, int Total, int Available, int Held, int Reserved, int Issued);

public sealed record PoolResponse(string Code, string Prefix, IReadOnlyList<SeriesDto> Series);

/// <summary>One slot of one exchange location on a day, with its capacity and how many places are booked now.</summary>
public sealed record AppointmentSlot(string LocationId, string LocationName, DateOnly Date, string Slot, int Capacity, int Booked);

/// <summary>The public face of offices: the list, each one's business notice, and its live pool publication.</summary>
public static class OfficeEndpoints
{
    public static IEndpointRouteBuilder MapOffices(this IEndpointRouteBuilder app)
    {
        var offices = app.MapGroup("/api/v1/offices").WithTags("Offices").AllowAnonymous();
        offices.MapGet("", ListOffices).WithName("ListOffices").WithSummary("Every office, with whether it takes selections now.");
        offices.MapGet("/{code}/notice", GetNotice).WithName("GetNotice").WithSummary("The business notice an applicant accepts.");
        offices.MapGet("/{code}/pool", GetPool).WithName("GetPool").WithSummary("The pool publication with live counts per series and per published block (public).");
        offices.MapGet("/{code}/appointment-slots", GetAppointmentSlots).WithName("GetAppointmentSlots")
            .WithSummary($"Every exchange location's slots on a date (yyyy-MM-dd, office calendar; today to {AppointmentHorizonDays} days ahead), with capacity and live bookings (public).")
            .ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<List<OfficeSummary>>> ListOffices(IGrainFactory grains, TimeProvider time)
    {
        var codes = await grains.GetGrain<IOfficeRegistryGrain>(0).GetCodesAsync();
        var snapshots = await Task.WhenAll(codes.Select(c => grains.Get<IOfficeGrain>(c).GetAsync()));
        var now = time.GetUtcNow();
        return TypedResults.Ok(snapshots.OfType<OfficeSnapshot>().Select(o => OfficeSummary.From(o, now)).ToList());
    }

    private static async Task<Results<Ok<BusinessNotice>, Problems.ProblemResult>> GetNotice(string code, IGrainFactory grains) =>
        await FindAsync(grains, code) is { } office
            ? TypedResults.Ok(office.Notice)
            : NotFound(code);

    private static async Task<Results<Ok<PoolResponse>, Problems.ProblemResult>> GetPool(string code, IGrainFactory grains) =>
        await FindAsync(grains, code) is { } office
            ? TypedResults.Ok(await PoolAsync(grains, office))
            : NotFound(code);

    /// <summary>How far ahead the slots can be looked at: the longest exchange validity an office may set.</summary>
    public const int AppointmentHorizonDays = 90;

    private static async Task<Results<Ok<List<AppointmentSlot>>, Problems.ProblemResult>> GetAppointmentSlots(
        string code, HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        var today = OfficeCalendar.LocalDate(time.GetUtcNow());
        var dates = http.Request.Query["date"];
        if (dates.Count != 1 || !TryParseDate(dates.ToString(), out var date) || date < today || date > today.AddDays(AppointmentHorizonDays))
        {
            return new FieldErrors().Check(false, "date", $"date 为 yyyy-MM-dd 格式的日期，{today:yyyy-MM-dd} 至 {today.AddDays(AppointmentHorizonDays):yyyy-MM-dd} 之间。").ToResult();
        }

        if (await FindAsync(grains, code) is not { } office)
        {
            return NotFound(code);
        }

        var bookings = (await grains.Get<IAppointmentDayGrain>(AppointmentDays.Key(code, date)).GetBookingsAsync())
            .ToDictionary(b => (b.LocationId, b.Slot), b => b.Booked);
        return TypedResults.Ok(office.Settings.Locations
            .SelectMany(l => l.Slots.Select(s => new AppointmentSlot(l.Id, l.Name, date, s.Slot, s.Capacity, bookings.GetValueOrDefault((l.Id, s.Slot)))))
            .ToList());
    }

    /// <summary>A date of the office calendar exactly as the contract writes it: <c>yyyy-MM-dd</c>.</summary>
    internal static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out date);

    internal static async Task<PoolResponse> PoolAsync(IGrainFactory grains, OfficeSnapshot office)
    {
        var counts = await grains.Get<IPlatePoolGrain>(office.Code).GetCountsAsync();
        return new PoolResponse(office.Code, office.Settings.Prefix, [.. counts.Select(c =>
            new SeriesDto(c.PlateKind, c.EnergyLetter.ToString(), c.Blocks, c.Total, c.Available, c.Held, c.Reserved, c.Issued,
                [.. c.BlockCounts.Select(b => new BlockCountsDto(b.Block, b.Total, b.Available, b.Held, b.Reserved, b.Issued))]))]);
    }

    /// <summary>The office with this code, or null (also for codes that cannot be one).</summary>
    internal static async Task<OfficeSnapshot?> FindAsync(IGrainFactory grains, string code) =>
        IsOfficeCode(code) ? await grains.Get<IOfficeGrain>(code).GetAsync() : null;

    internal static bool IsOfficeCode(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);

    internal static Problems.ProblemResult NotFound(string code) => Problems.Result(PlateError.NotFound($"车管所 {code} 不存在。"));
}
