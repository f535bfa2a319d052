using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The ledger on SQLite: its writes join the shared transaction of the file's one writer thread
/// (<see cref="SqliteWriter"/>), a BEGIN IMMEDIATE one, so a batch's insert and the read that classifies what it skipped
/// see one state; a batch is one multi-row INSERT. Times are stored as fixed-width UTC ISO 8601 text, whose text order is time order.
/// </summary>
/// <remarks>
/// Durability: synchronous = FULL, deliberately (it is also SQLite's compiled default, so Orleans' own connections,
/// which this code does not open, use it too). In WAL mode NORMAL survives a killed process but not a power cut:
/// the last commits can vanish. A lost ledger commit is a confirmation the applicant already saw whose number is
/// free again, so a double assignment. FULL measured about 8,000 commits/s here against 72,000 for NORMAL, and
/// group commit makes that per batch, not per reservation: FULL costs no throughput the rules need.
/// </remarks>
internal sealed class SqliteLedgerDatabase : LedgerDatabase
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string _connectionString;

    public SqliteLedgerDatabase(string connectionString, int timeoutSeconds)
    {
        // Microsoft.Data.Sqlite retries a busy database until the command timeout: that is the busy timeout.
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = timeoutSeconds }.ToString();
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private protected override SqliteWriter Writer => SqliteWriter.For(_connectionString);

    internal override void InsertReservations(DbCommand command, IReadOnlyList<LedgerEntry> entries)
    {
        var sql = new StringBuilder("INSERT INTO plate_ledger (office_code, plate, vin, chosen_by, reserved_at, exchange_by, voucher_code) VALUES ");
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? ", " : "")}(@o{i}, @p{i}, @v{i}, @b{i}, @r{i}, @x{i}, @c{i})");
            command.AddParameter($"o{i}", e.OfficeCode);
            command.AddParameter($"p{i}", e.Plate);
            command.AddParameter($"v{i}", e.Vin);
            command.AddParameter($"b{i}", SqlPlateLedger.ChosenBy(e.By));
            command.AddParameter($"r{i}", ToDbTime(e.ReservedAt));
            command.AddParameter($"x{i}", e.ExchangeBy);
            command.AddParameter($"c{i}", e.VoucherCode);
        }

        // Rows are inserted in VALUES order, so of two entries that conflict with each other, the first wins.
        sql.Append(" ON CONFLICT DO NOTHING RETURNING office_code, plate, vin");
        command.CommandText = sql.ToString();
    }

    internal override void SelectLiveRows(DbCommand command, string columns, IReadOnlyList<LedgerEntry> entries)
    {
        var vins = string.Join(", ", entries.Select((_, i) => $"@v{i}"));
        var plates = string.Join(", ", entries.Select((_, i) => $"(@o{i}, @p{i})"));
        command.CommandText = $"""
            SELECT {columns} FROM plate_ledger
            WHERE released_at IS NULL AND (vin IN ({vins}) OR (office_code, plate) IN (VALUES {plates}))
            """;
        for (var i = 0; i < entries.Count; i++)
        {
            command.AddParameter($"v{i}", entries[i].Vin);
            command.AddParameter($"o{i}", entries[i].OfficeCode);
            command.AddParameter($"p{i}", entries[i].Plate);
        }
    }

    /// <summary>
    /// One prepared single-row statement run per event, in the writer's transaction (SQLite has no round trip to save).
    /// A statement of many rows costs more here: SQLite finds each named parameter by a linear search, so binding n rows
    /// of parameters was quadratic, and each batch size was a statement to parse anew.
    /// </summary>
    internal override Task InsertAuditEventsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<AuditEvent> events)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO plate_audit (at, kind, vin, office_code, actor, plates, detail) VALUES (@a, @k, @v, @o, @u, @p, @d)";
        // Named as in the statement, prefix included: a name without it is looked up again with each prefix SQLite
        // allows, a new string each time, on every execution.
        var parameters = new[] { "@a", "@k", "@v", "@o", "@u", "@p", "@d" }.Select(name =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        foreach (var e in events)
        {
            object?[] values = [ToDbTime(e.At), e.Kind, e.Vin, e.OfficeCode, e.Actor, SqlAuditTrail.PlatesToJson(e.Plates), e.Detail];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    internal override object ToDbTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    internal override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        new(DateTime.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), TimeSpan.Zero);

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private protected override bool IsUnavailable(Exception exception) =>
        exception is SqliteException
        {
            SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED or SQLitePCL.raw.SQLITE_IOERR
                or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_CANTOPEN,
        };
}
