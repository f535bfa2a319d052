using System.Data.Common;
using Npgsql;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Silo.Storage;

/// <summary>The ledger on PostgreSQL: whole batches travel as arrays and are unnested in one statement.</summary>
internal sealed class PostgreSqlLedgerDatabase : LedgerDatabase
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">As <see cref="StorageOptions.ResolveConnectionString"/> gives it: timeouts and pool size set.</param>
    public PostgreSqlLedgerDatabase(string connectionString) => _dataSource = NpgsqlDataSource.Create(connectionString);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    internal override void InsertReservations(DbCommand command, IReadOnlyList<LedgerEntry> entries)
    {
        // ORDER BY the position in the batch: of two entries that conflict with each other, the first wins.
        command.CommandText = """
            INSERT INTO plate_ledger (office_code, plate, vin, chosen_by, reserved_at, exchange_by, voucher_code)
            SELECT r.office_code, r.plate, r.vin, r.chosen_by, r.reserved_at, r.exchange_by, r.voucher_code
            FROM unnest(@office_codes, @plates, @vins, @chosen_by, @reserved_at, @exchange_by, @voucher_codes)
                 WITH ORDINALITY AS r (office_code, plate, vin, chosen_by, reserved_at, exchange_by, voucher_code, position)
            ORDER BY r.position
            ON CONFLICT DO NOTHING
            RETURNING office_code, plate, vin
            """;
        command.AddParameter("office_codes", entries.Select(e => e.OfficeCode).ToArray());
        command.AddParameter("plates", entries.Select(e => e.Plate).ToArray());
        command.AddParameter("vins", entries.Select(e => e.Vin).ToArray());
        command.AddParameter("chosen_by", entries.Select(e => SqlPlateLedger.ChosenBy(e.By)).ToArray());
        command.AddParameter("reserved_at", entries.Select(e => e.ReservedAt.ToUniversalTime()).ToArray());
        command.AddParameter("exchange_by", entries.Select(e => e.ExchangeBy).ToArray());
        command.AddParameter("voucher_codes", entries.Select(e => e.VoucherCode).ToArray());
    }

    internal override void SelectLiveRows(DbCommand command, string columns, IReadOnlyList<LedgerEntry> entries)
    {
        command.CommandText = $"""
            SELECT {columns} FROM plate_ledger
            WHERE released_at IS NULL
              AND (vin = ANY(@vins) OR (office_code, plate) IN (SELECT * FROM unnest(@office_codes, @plates)))
            """;
        command.AddParameter("vins", entries.Select(e => e.Vin).ToArray());
        command.AddParameter("office_codes", entries.Select(e => e.OfficeCode).ToArray());
        command.AddParameter("plates", entries.Select(e => e.Plate).ToArray());
    }

    /// <summary>One statement for the whole batch (one round trip), atomic on its own.</summary>
    internal override async Task InsertAuditEventsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<AuditEvent> events)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO plate_audit (at, kind, vin, office_code, actor, plates, detail)
            SELECT e.at, e.kind, e.vin, e.office_code, e.actor, e.plates, e.detail
            FROM unnest(@at, @kind, @vin, @office_code, @actor, @plates, @detail)
                 WITH ORDINALITY AS e (at, kind, vin, office_code, actor, plates, detail, position)
            ORDER BY e.position
            """;
        command.AddParameter("at", events.Select(e => e.At.ToUniversalTime()).ToArray());
        command.AddParameter("kind", events.Select(e => e.Kind).ToArray());
        command.AddParameter("vin", events.Select(e => e.Vin).ToArray());
        command.AddParameter("office_code", events.Select(e => e.OfficeCode).ToArray());
        command.AddParameter("actor", events.Select(e => e.Actor).ToArray());
        command.AddParameter("plates", events.Select(e => SqlAuditTrail.PlatesToJson(e.Plates)).ToArray());
        command.AddParameter("detail", events.Select(e => e.Detail).ToArray());
        await command.ExecuteNonQueryAsync();
    }

    internal override object ToDbTime(DateTimeOffset time) => time.ToUniversalTime();

    internal override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    private protected override bool IsUnavailable(Exception exception) => exception switch
    {
        // The server answered with an error: only those that go away by themselves (shutting down, starting up,
        // too many connections, deadlock) count; the rest are bugs.
        PostgresException postgres => postgres.IsTransient,
        // No answer: refused, reset, or timed out.
        NpgsqlException => true,
        _ => false,
    };

    private protected override void ForgetConnections() => _dataSource.Clear();
}
