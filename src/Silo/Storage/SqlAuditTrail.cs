using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The audit trail in PostgreSQL or SQLite. Appends are group-committed like the ledger's reservations: all events
/// pending at a moment go in one multi-row INSERT, and each caller's task completes after that commit.
/// </summary>
public sealed class SqlAuditTrail : IAuditTrail, IAsyncDisposable
{
    /// <summary>The most events one statement carries (a row takes seven SQLite parameters).</summary>
    public const int MaxBatchSize = 500;

    // Plates stay readable in the table (粤B12345, not \u7CA4B12345): operators query it by hand.
    private static readonly JsonSerializerOptions PlatesJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly LedgerDatabase _database;
    private readonly BatchWriter<AuditEvent, Appended> _appends;

    public SqlAuditTrail(LedgerDatabase database)
    {
        _database = database;
        _appends = new BatchWriter<AuditEvent, Appended>(AppendBatchAsync, MaxBatchSize);
    }

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        _appends.WriteAsync(auditEvent, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> ReadByVinAsync(string vin, CancellationToken cancellationToken = default) =>
        ReadAsync("WHERE vin = @vin ORDER BY at, id", command => command.AddParameter("vin", vin), cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        // Only parameters reach the text: the kinds are numbered placeholders, never the values themselves. Both
        // searches are served by an index on (office_code, at) or (actor, at), newest first.
        var where = new List<string>();
        if (query.OfficeCode is not null)
        {
            where.Add("office_code = @office");
        }

        if (query.Actor is not null)
        {
            where.Add("actor = @actor");
        }

        if (query.Kinds.Count > 0)
        {
            where.Add($"kind IN ({string.Join(", ", query.Kinds.Select((_, i) => $"@kind{i}"))})");
        }

        if (query.Before is not null)
        {
            where.Add("at < @before");
        }

        if (query.OfficeCode is null && query.Actor is null)
        {
            throw new ArgumentException("An audit search names an office or an actor.", nameof(query));
        }

        return ReadAsync($"WHERE {string.Join(" AND ", where)} ORDER BY at DESC, id DESC LIMIT @limit", command =>
        {
            if (query.OfficeCode is { } office)
            {
                command.AddParameter("office", office);
            }

            if (query.Actor is { } actor)
            {
                command.AddParameter("actor", actor);
            }

            for (var i = 0; i < query.Kinds.Count; i++)
            {
                command.AddParameter($"kind{i}", query.Kinds[i]);
            }

            if (query.Before is { } before)
            {
                command.AddParameter("before", _database.ToDbTime(before));
            }

            command.AddParameter("limit", query.Limit);
        }, cancellationToken);
    }

    private Task<IReadOnlyList<AuditEvent>> ReadAsync(string filterAndOrder, Action<DbCommand> addParameters, CancellationToken cancellationToken) =>
        _database.RunAsync<IReadOnlyList<AuditEvent>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT at, kind, vin, office_code, actor, plates, detail FROM plate_audit {filterAndOrder}";
            addParameters(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var events = new List<AuditEvent>();
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new AuditEvent(
                    At: _database.ReadTime(reader, 0),
                    Kind: reader.GetString(1),
                    Vin: reader.IsDBNull(2) ? null : reader.GetString(2),
                    OfficeCode: reader.IsDBNull(3) ? null : reader.GetString(3),
                    Actor: reader.IsDBNull(4) ? null : reader.GetString(4),
                    Plates: JsonSerializer.Deserialize<string[]>(reader.GetString(5), PlatesJson) ?? [],
                    Detail: reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return events;
        }, cancellationToken);

    /// <summary>Writes the events already queued, then stops.</summary>
    public ValueTask DisposeAsync() => _appends.DisposeAsync();

    internal static string PlatesToJson(IReadOnlyList<string> plates) => JsonSerializer.Serialize(plates, PlatesJson);

    private Task<IReadOnlyList<Appended>> AppendBatchAsync(IReadOnlyList<AuditEvent> events) =>
        _database.RunWriteAsync<IReadOnlyList<Appended>>(async (connection, transaction) =>
        {
            await _database.InsertAuditEventsAsync(connection, transaction, events);
            return new Appended[events.Count];
        }, CancellationToken.None);

    /// <summary>The result of an append: nothing but "committed".</summary>
    private readonly record struct Appended;
}
