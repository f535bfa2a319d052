using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Data;

/// <summary>
/// Offices change a few times a day and every selection step needs one (its gate): they are read through a short
/// cache, as any team would. A write through this process refreshes it at once; another instance's write shows within
/// <see cref="Ttl"/>.
/// </summary>
public sealed class OfficeCache(NpgsqlDataSource db)
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Office? Office, long LoadedAt)> _offices = new();

    /// <summary>
    /// The office, from the cache or the database. A caller inside a transaction passes its connection: a second
    /// connection from the pool while holding one would deadlock the pool under load (every holder waiting for another).
    /// </summary>
    public async ValueTask<Office?> GetAsync(string code, NpgsqlConnection? connection = null)
    {
        if (_offices.TryGetValue(code, out var cached) && Environment.TickCount64 - cached.LoadedAt < Ttl.TotalMilliseconds)
        {
            return cached.Office;
        }

        var office = await LoadAsync(code, connection);
        _offices[code] = (office, Environment.TickCount64);
        return office;
    }

    public void Forget(string code) => _offices.TryRemove(code, out _);

    private async Task<Office?> LoadAsync(string code, NpgsqlConnection? connection)
    {
        await using var command = connection is null ? db.CreateCommand() : connection.CreateCommand();
        command.CommandText = """
            SELECT code, name, prefix, province, opens_at, from_minute, to_minute, maintenance, cross_region, rules::text,
                   locations::text, notice_version, notice_text, publication::text
            FROM offices WHERE code = $1
            """;
        command.Parameters.Add(P(code));
        await using var r = await command.ExecuteReaderAsync();
        if (!await r.ReadAsync())
        {
            return null;
        }

        return new Office
        {
            Code = r.GetString(0),
            Name = r.GetString(1),
            Prefix = r.GetString(2),
            Province = r.GetString(3),
            OpensAt = r.Nullable<DateTime>(4),
            FromMinute = r.GetInt32(5),
            ToMinute = r.GetInt32(6),
            Maintenance = r.GetBoolean(7),
            CrossRegion = r.GetBoolean(8),
            Rules = JsonSerializer.Deserialize(r.GetString(9), BaselineJson.Wire.Rules)!,
            Locations = JsonSerializer.Deserialize(r.GetString(10), BaselineJson.Wire.ListLocation)!,
            NoticeVersion = r.GetString(11),
            NoticeText = r.GetString(12),
            Publication = JsonSerializer.Deserialize(r.GetString(13), BaselineJson.Wire.ListSeriesBlocks)!,
        };
    }
}
