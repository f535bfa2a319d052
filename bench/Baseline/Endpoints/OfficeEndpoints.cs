using Npgsql;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>The public face of offices: the business notice and the live pool publication.</summary>
public static class OfficeEndpoints
{
    public static IEndpointRouteBuilder MapOffices(this IEndpointRouteBuilder app)
    {
        var offices = app.MapGroup("/api/v1/offices").AllowAnonymous();
        offices.MapGet("", ListOffices);
        offices.MapGet("/{code}/notice", GetNotice);
        offices.MapGet("/{code}/pool", GetPool);
        return app;
    }

    private static async Task<Reply> ListOffices(NpgsqlDataSource db, OfficeCache cache)
    {
        await using var command = db.CreateCommand("SELECT code FROM offices ORDER BY code");
        var codes = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                codes.Add(reader.GetString(0));
            }
        }

        var now = DateTime.UtcNow;
        var list = new List<OfficeSummary>();
        foreach (var code in codes)
        {
            if (await cache.GetAsync(code) is { } office)
            {
                var (state, next) = OfficeCalendar.StateAt(office, now);
                list.Add(new OfficeSummary(office.Code, office.Name, office.Prefix, office.Province, state, office.OpensAt,
                    new HoursDto(office.HoursFrom, office.HoursTo), next));
            }
        }

        return Reply.Of(200, list, BaselineJson.Wire.ListOfficeSummary);
    }

    private static async Task<Reply> GetNotice(string code, OfficeCache offices) =>
        await FindAsync(offices, code) is { } office
            ? Reply.Of(200, new NoticeDto(office.NoticeVersion, office.NoticeText), BaselineJson.Wire.NoticeDto)
            : NotFound(code);

    private static async Task<Reply> GetPool(string code, OfficeCache offices, NpgsqlDataSource db) =>
        await FindAsync(offices, code) is { } office
            ? Reply.Of(200, await PoolAsync(db, office), BaselineJson.Wire.PoolResponse)
            : NotFound(code);

    /// <summary>Live counts per published series; a hold whose moment passed counts as available.</summary>
    internal static async Task<PoolResponse> PoolAsync(NpgsqlDataSource db, Office office)
    {
        await using var command = db.CreateCommand("""
            SELECT plate_kind, energy_letter, count(*)::int,
                   count(*) FILTER (WHERE state = 'available' OR (state = 'held' AND hold_expires_at <= $2))::int,
                   count(*) FILTER (WHERE state = 'held' AND hold_expires_at > $2)::int,
                   count(*) FILTER (WHERE state = 'reserved')::int,
                   count(*) FILTER (WHERE state = 'issued')::int
            FROM plates WHERE office_code = $1 GROUP BY plate_kind, energy_letter
            """);
        command.Parameters.Add(P(office.Code));
        command.Parameters.Add(P(DateTime.UtcNow));
        var counts = new Dictionary<(string, string), (int, int, int, int, int)>();
        await using (var r = await command.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                counts[(r.GetString(0), r.GetString(1))] = (r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6));
            }
        }

        // Published series first, in publication order; then numbers of series no longer published but still reserved or issued.
        var series = office.Publication.Select(s =>
        {
            var (total, available, held, reserved, issued) = counts.GetValueOrDefault((s.PlateKind, s.EnergyLetter));
            return new SeriesDto(s.PlateKind, s.EnergyLetter, s.Blocks, total, available, held, reserved, issued);
        }).ToList();
        series.AddRange(counts
            .Where(c => !office.Publication.Any(s => (s.PlateKind, s.EnergyLetter) == c.Key))
            .Select(c => new SeriesDto(c.Key.Item1, c.Key.Item2, [], c.Value.Item1, c.Value.Item2, c.Value.Item3, c.Value.Item4, c.Value.Item5)));
        return new PoolResponse(office.Code, office.Prefix, series);
    }

    internal static async ValueTask<Office?> FindAsync(OfficeCache offices, string code) =>
        Identity.IsOfficeCode(code) ? await offices.GetAsync(code) : null;

    internal static Reply NotFound(string code) => Reply.Of(Error.NotFound($"车管所 {code} 不存在。"));
}
