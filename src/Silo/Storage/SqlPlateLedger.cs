using System.Data.Common;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The plate ledger in PostgreSQL or SQLite. Reservations are group-committed: all pending at a moment go in one
/// INSERT that skips rows the unique guards refuse, in one transaction; each skipped one is then classified against
/// the live rows (a retry, a plate taken, a VIN holding another plate), with the same answers as
/// <see cref="InMemoryPlateLedger"/>. A caller's task completes only after its batch has committed.
/// </summary>
public sealed class SqlPlateLedger : IPlateLedger, IAsyncDisposable
{
    /// <summary>The most reservations one statement carries (SQLite allows 32,766 parameters; a row takes seven).</summary>
    public const int MaxBatchSize = 500;

    private const string Columns = "office_code, plate, vin, chosen_by, reserved_at, exchange_by, exchanged_at, released_at, voucher_code";

    // A skipped entry whose blocking row was released before the classifying read goes round again (PostgreSQL
    // reads committed data per statement). Each round needs another concurrent release to repeat.
    private const int MaxRounds = 5;

    private readonly LedgerDatabase _database;
    private readonly BatchWriter<LedgerEntry, LedgerWriteResult> _reservations;

    public SqlPlateLedger(LedgerDatabase database)
    {
        _database = database;
        _reservations = new BatchWriter<LedgerEntry, LedgerWriteResult>(WriteReservationsAsync, MaxBatchSize);
    }

    public Task<LedgerWriteResult> ReserveAsync(LedgerEntry entry, CancellationToken cancellationToken = default) =>
        _reservations.WriteAsync(entry, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> LiveByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM plate_ledger WHERE office_code = @office AND released_at IS NULL ORDER BY reserved_at, id",
            command => command.AddParameter("office", officeCode),
            cancellationToken);

    public async Task<LedgerEntry?> LiveByVinAsync(string vin, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM plate_ledger WHERE vin = @vin AND released_at IS NULL",
            command => command.AddParameter("vin", vin),
            cancellationToken);
        return rows.SingleOrDefault();
    }

    public async Task<LedgerEntry?> FindLiveAsync(string officeCode, string? plate, string? voucherCode, CancellationToken cancellationToken = default)
    {
        if (plate is null && voucherCode is null)
        {
            return null;
        }

        // Only the conditions given: PostgreSQL cannot type a parameter that is only ever compared with NULL.
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM plate_ledger WHERE office_code = @office AND released_at IS NULL"
                + (plate is null ? "" : " AND plate = @plate")
                + (voucherCode is null ? "" : " AND voucher_code = @voucher"),
            command =>
            {
                command.AddParameter("office", officeCode);
                if (plate is not null)
                {
                    command.AddParameter("plate", plate);
                }

                if (voucherCode is not null)
                {
                    command.AddParameter("voucher", voucherCode);
                }
            },
            cancellationToken);
        return rows.SingleOrDefault();
    }

    public Task<bool> MarkExchangedAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateLiveAsync("exchanged_at", officeCode, plate, at, cancellationToken);

    public Task<bool> ReleaseAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateLiveAsync("released_at", officeCode, plate, at, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> ListByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM plate_ledger WHERE office_code = @office ORDER BY reserved_at, id",
            command => command.AddParameter("office", officeCode),
            cancellationToken);

    /// <summary>Writes the reservations already queued, then stops.</summary>
    public ValueTask DisposeAsync() => _reservations.DisposeAsync();

    internal static string ChosenBy(ConfirmedBy by) => by switch
    {
        ConfirmedBy.User => "user",
        ConfirmedBy.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, null),
    };

    private Task<IReadOnlyList<LedgerWriteResult>> WriteReservationsAsync(IReadOnlyList<LedgerEntry> entries) =>
        _database.RunTransactionAsync<IReadOnlyList<LedgerWriteResult>>(async (connection, transaction) =>
        {
            var results = new LedgerWriteResult?[entries.Count];
            var open = Enumerable.Range(0, entries.Count).ToList();
            for (var round = 0; open.Count > 0; round++)
            {
                if (round == MaxRounds)
                {
                    throw new InvalidOperationException($"The ledger kept changing under {open.Count} reservations.");
                }

                open = await WriteRoundAsync(connection, transaction, entries, open, results);
            }

            return results!;
        }, CancellationToken.None);

    /// <summary>Inserts the open entries, classifies them, and returns those that could not be classified.</summary>
    private async Task<List<int>> WriteRoundAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<LedgerEntry> entries, List<int> open, LedgerWriteResult?[] results)
    {
        // Inserted rows by VIN: at most one live row per VIN, so the VIN names the row.
        var inserted = new Dictionary<string, (string OfficeCode, string Plate)>();
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            _database.InsertReservations(insert, [.. open.Select(i => entries[i])]);
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inserted[reader.GetString(2)] = (reader.GetString(0), reader.GetString(1));
            }
        }

        var skipped = new List<int>();
        foreach (var i in open)
        {
            var entry = entries[i];
            // The first entry of the batch with this VIN and plate is the one written; a duplicate after it is a retry.
            if (inserted.TryGetValue(entry.Vin, out var row) && row == (entry.OfficeCode, entry.Plate))
            {
                results[i] = new LedgerWriteResult(LedgerWriteStatus.Written);
                inserted.Remove(entry.Vin);
            }
            else
            {
                skipped.Add(i);
            }
        }

        if (skipped.Count == 0)
        {
            return skipped;
        }

        var live = await ReadAsync(connection, transaction, command => _database.SelectLiveRows(command, Columns, [.. skipped.Select(i => entries[i])]));
        var liveByVin = live.ToDictionary(r => r.Vin);
        var liveByPlate = live.ToDictionary(r => (r.OfficeCode, r.Plate));
        var unresolved = new List<int>();
        foreach (var i in skipped)
        {
            var entry = entries[i];
            if (liveByVin.TryGetValue(entry.Vin, out var ofVin))
            {
                var sameNumber = ofVin.OfficeCode == entry.OfficeCode && ofVin.Plate == entry.Plate;
                results[i] = new LedgerWriteResult(sameNumber ? LedgerWriteStatus.AlreadyWritten : LedgerWriteStatus.VinHasOther, ofVin);
            }
            else if (liveByPlate.TryGetValue((entry.OfficeCode, entry.Plate), out var ofPlate))
            {
                results[i] = new LedgerWriteResult(LedgerWriteStatus.PlateTaken, ofPlate);
            }
            else
            {
                unresolved.Add(i);
            }
        }

        return unresolved;
    }

    private Task<IReadOnlyList<LedgerEntry>> QueryAsync(string sql, Action<DbCommand> addParameters, CancellationToken cancellationToken) =>
        _database.RunAsync(connection => ReadAsync(connection, null, command =>
        {
            command.CommandText = sql;
            addParameters(command);
        }, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<LedgerEntry>> ReadAsync(
        DbConnection connection, DbTransaction? transaction, Action<DbCommand> prepare, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        prepare(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<LedgerEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LedgerEntry(
                OfficeCode: reader.GetString(0),
                Plate: reader.GetString(1),
                Vin: reader.GetString(2),
                By: reader.GetString(3) switch
                {
                    "user" => ConfirmedBy.User,
                    "auto" => ConfirmedBy.Auto,
                    var other => throw new InvalidOperationException($"Unknown chosen_by '{other}' in plate_ledger."),
                },
                ReservedAt: _database.ReadTime(reader, 4),
                ExchangeBy: reader.GetFieldValue<DateOnly>(5),
                ExchangedAt: reader.IsDBNull(6) ? null : _database.ReadTime(reader, 6),
                ReleasedAt: reader.IsDBNull(7) ? null : _database.ReadTime(reader, 7),
                VoucherCode: reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return rows;
    }

    /// <summary>Sets a time on the live, not yet exchanged row of a plate; false when there is none.</summary>
    private Task<bool> UpdateLiveAsync(string column, string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken) =>
        _database.RunWriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE plate_ledger SET {column} = @at
                WHERE office_code = @office AND plate = @plate AND released_at IS NULL AND exchanged_at IS NULL
                """;
            command.AddParameter("at", _database.ToDbTime(at));
            command.AddParameter("office", officeCode);
            command.AddParameter("plate", plate);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
}
