using System.Text.Json;

namespace PlateOrleans.LoadTest;

/// <summary>A number the ledger says a vehicle holds (reserved or issued).</summary>
public sealed record AssignedNumber(string Plate, string Vin);

/// <summary>A series' live counts, as <c>GET /offices/{code}/pool</c> shows them.</summary>
public sealed record SeriesCount(string Series, long Total, long Available, long Held, long Reserved, long Issued);

/// <summary>What the invariants were checked on, and each one broken (empty when all hold).</summary>
public sealed record InvariantReport(int Assignments, int Confirmed, IReadOnlyList<SeriesCount> Pool, IReadOnlyList<string> Broken)
{
    public bool Hold => Broken.Count == 0;
}

/// <summary>
/// What must hold after any run, checked through the operator API only: no number to two vehicles, no vehicle with
/// two numbers, every confirmation that answered 200 in the ledger, and pool counts that add up (per series, total =
/// available + held + reserved + issued; over the series, reserved + issued = the ledger's assignments).
/// </summary>
public static class Invariants
{
    private const int Examples = 5;

    public static InvariantReport Check(
        IReadOnlyList<AssignedNumber> assignments, IReadOnlyList<SeriesCount> pool, IReadOnlyDictionary<string, string> confirmed)
    {
        var broken = new List<string>();

        var sharedNumbers = assignments.GroupBy(a => a.Plate, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        if (sharedNumbers.Count > 0)
        {
            broken.Add($"{sharedNumbers.Count} numbers assigned more than once, e.g. "
                + string.Join("; ", sharedNumbers.Take(Examples).Select(g => $"{g.Key} to {string.Join(", ", g.Select(a => a.Vin))}")));
        }

        var doubleVehicles = assignments.GroupBy(a => a.Vin, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        if (doubleVehicles.Count > 0)
        {
            broken.Add($"{doubleVehicles.Count} vehicles with more than one number, e.g. "
                + string.Join("; ", doubleVehicles.Take(Examples).Select(g => $"{g.Key} has {string.Join(", ", g.Select(a => a.Plate))}")));
        }

        var ledger = assignments.Select(a => (a.Vin, a.Plate)).ToHashSet();
        var missing = confirmed.Where(c => !ledger.Contains((c.Key, c.Value))).ToList();
        if (missing.Count > 0)
        {
            broken.Add($"{missing.Count} confirmations answered 200 but are not in the assignments, e.g. "
                + string.Join("; ", missing.Take(Examples).Select(c => $"{c.Value} for {c.Key}")));
        }

        foreach (var s in pool.Where(s => s.Total != s.Available + s.Held + s.Reserved + s.Issued || Math.Min(Math.Min(s.Available, s.Held), Math.Min(s.Reserved, s.Issued)) < 0))
        {
            broken.Add($"series {s.Series}: total {s.Total} is not available {s.Available} + held {s.Held} + reserved {s.Reserved} + issued {s.Issued}");
        }

        var taken = pool.Sum(s => s.Reserved + s.Issued);
        if (taken != assignments.Count)
        {
            broken.Add($"the pool counts {taken} numbers reserved or issued, the assignments {assignments.Count}");
        }

        return new InvariantReport(assignments.Count, confirmed.Count, pool, broken);
    }

    /// <summary>Reads the office's assignments (admin) and public pool counts, and checks them against the confirmations.</summary>
    public static async Task<InvariantReport> CheckAsync(LoadApi api, string adminToken, string office, IReadOnlyDictionary<string, string> confirmed)
    {
        var assignments = await api.SendAsync("GET /admin/offices/{code}/assignments", HttpMethod.Get, $"/api/v1/admin/offices/{office}/assignments", 200, adminToken);
        var pool = await api.SendAsync("GET /offices/{code}/pool", HttpMethod.Get, $"/api/v1/offices/{office}/pool", 200);
        return Check(ParseAssignments(assignments), ParsePool(pool), confirmed);
    }

    public static IReadOnlyList<AssignedNumber> ParseAssignments(JsonElement assignments) =>
        [.. assignments.EnumerateArray().Select(a => new AssignedNumber(a.GetProperty("plate").GetString()!, a.GetProperty("vin").GetString()!))];

    public static IReadOnlyList<SeriesCount> ParsePool(JsonElement pool) =>
        [.. pool.GetProperty("series").EnumerateArray().Select(s => new SeriesCount(
            $"{s.GetProperty("plateKind").GetString()} {s.GetProperty("energyLetter").GetString()}",
            s.GetProperty("total").GetInt64(),
            s.GetProperty("available").GetInt64(),
            s.GetProperty("held").GetInt64(),
            s.GetProperty("reserved").GetInt64(),
            s.GetProperty("issued").GetInt64()))];
}
