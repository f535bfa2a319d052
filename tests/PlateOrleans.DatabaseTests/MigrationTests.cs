using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

public sealed class MigrationTests
{
    [SkippableTheory]
    [BothDatabases]
    public async Task MigratingAppliesEveryScriptOnceAndASecondRunDoesNothing(Engine engine)
    {
        var options = await TestDatabases.CreateAsync(engine, "migrate_twice");

        var first = await SchemaMigrator.MigrateAsync(options);
        var second = await SchemaMigrator.MigrateAsync(options);

        Assert.Equal(EmbeddedScripts(engine), first);
        Assert.Empty(second);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task FourMigrationsStartedTogetherOnAFreshDatabaseApplyEachScriptExactlyOnce(Engine engine)
    {
        var options = await TestDatabases.CreateAsync(engine, "migrate_together");

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SchemaMigrator.MigrateAsync(options))));

        Assert.Equal(EmbeddedScripts(engine), runs.SelectMany(r => r).Order());
        Assert.Equal(EmbeddedScripts(engine).Count, await TestDatabases.CountAsync(options, "SELECT count(*) FROM schemaversions"));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task TheQueryTableHoldsEveryKeyTheProvidersRead(Engine engine)
    {
        var options = await TestDatabases.CreateMigratedAsync(engine, "query_keys");
        string[] persistence = ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];
        string[] reminders =
        [
            "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        string[] clustering =
        [
            "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "InsertMembershipKey",
            "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
            "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
        ];
        // SQLite runs one silo with localhost clustering: it has no membership table.
        string[] expected = engine == Engine.PostgreSql ? [.. persistence, .. reminders, .. clustering] : [.. persistence, .. reminders];

        var keys = new List<string>();
        await using (var connection = await TestDatabases.OpenAsync(options))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT QueryKey FROM OrleansQuery";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Equal(expected.Order(), keys.Order());
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task TheAuditTrailRefusesUpdatesAndDeletes(Engine engine)
    {
        var options = await TestDatabases.CreateMigratedAsync(engine, "audit_append_only");
        await TestDatabases.ExecuteAsync(options, "INSERT INTO plate_audit (at, kind, vin, office_code, plates) VALUES ('2026-03-01T01:00:00.0000000Z', 'draw', 'V1', 'O1', '[]')");

        var update = await Assert.ThrowsAnyAsync<DbException>(() => TestDatabases.ExecuteAsync(options, "UPDATE plate_audit SET kind = 'release'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => TestDatabases.ExecuteAsync(options, "DELETE FROM plate_audit"));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal(1, await TestDatabases.CountAsync(options, "SELECT count(*) FROM plate_audit"));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task ATrailWrittenBeforeOperatorsActionsKeepsItsRowsAndStaysAppendOnlyAfterTheMigration(Engine engine)
    {
        // The database as the release before operators' actions left it: vin and office_code required.
        var options = await TestDatabases.CreateAsync(engine, "audit_upgrade");
        var previous = engine == Engine.Sqlite ? "0006_hot_grain_state.sql" : "0007_hot_grain_state.sql";
        await SchemaMigrator.MigrateAsync(options, previous);
        await TestDatabases.ExecuteAsync(options, "INSERT INTO plate_audit (at, kind, vin, office_code, actor, plates, detail) VALUES "
            + "('2026-03-01T01:00:00.0000000Z', 'draw', 'V1', '130100', 'citizen-1', '[\"冀AD01234\"]', 'batch 1')");
        await Assert.ThrowsAnyAsync<DbException>(() => TestDatabases.ExecuteAsync(options,
            "INSERT INTO plate_audit (at, kind, vin, office_code, plates) VALUES ('2026-03-01T02:00:00.0000000Z', 'pool_publication', NULL, '130100', '[]')"));

        var applied = await SchemaMigrator.MigrateAsync(options);

        // The audit's change first, then whatever came after it.
        Assert.Equal($"PlateOrleans.Silo.Storage.Schema.{engine}.{(engine == Engine.Sqlite ? "0007" : "0008")}_audit_operator_actions.sql", applied[0]);
        await using var database = LedgerDatabase.Create(options);
        await using var trail = new SqlAuditTrail(database);
        var old = Assert.Single(await trail.ReadByVinAsync("V1"));
        Assert.Equal(("draw", "130100", "citizen-1", "batch 1"), (old.Kind, old.OfficeCode, old.Actor, old.Detail));
        Assert.Equal(["冀AD01234"], old.Plates);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 1, 0, 0, TimeSpan.Zero), old.At);

        await trail.AppendAsync(new Grains.Ledger.AuditEvent(old.At.AddHours(1), "account_created", null, null, "admin", [], "admin root2 created"));
        await trail.AppendAsync(new Grains.Ledger.AuditEvent(old.At.AddHours(2), "pool_publication", null, "130100", "op-sjz", [], "published"));
        var office = await trail.FindAsync(new Contracts.AuditQuery("130100", null, [], null, 10));
        Assert.Equal(["pool_publication", "draw"], office.Select(e => e.Kind));
        Assert.Equal(["account_created"], (await trail.FindAsync(new Contracts.AuditQuery(null, "admin", [], null, 10))).Select(e => e.Kind));

        var update = await Assert.ThrowsAnyAsync<DbException>(() => TestDatabases.ExecuteAsync(options, "UPDATE plate_audit SET kind = 'release'"));
        var delete = await Assert.ThrowsAnyAsync<DbException>(() => TestDatabases.ExecuteAsync(options, "DELETE FROM plate_audit"));
        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal(3, await TestDatabases.CountAsync(options, "SELECT count(*) FROM plate_audit"));
    }

    [Fact]
    public async Task SqliteRunsInWalModeAndEveryNewConnectionSyncsFully()
    {
        var options = await TestDatabases.CreateMigratedAsync(Engine.Sqlite, "wal");

        // A plain connection, as Orleans' providers open them: WAL is stored in the file, and synchronous FULL is
        // the compiled default this project relies on (see SqliteLedgerDatabase).
        await using var connection = new SqliteConnection(options.ResolveConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, await command.ExecuteScalarAsync());
    }

    /// <summary>The selections' rows are rewritten on every step: their pages keep room for the new version beside the old (HOT updates).</summary>
    [SkippableFact]
    public async Task PostgreSqlKeepsRoomOnTheHotStatesPagesForUpdatesInPlace()
    {
        var options = await TestDatabases.CreateMigratedAsync(Engine.PostgreSql, "fillfactor");

        Assert.Equal(1, await TestDatabases.CountAsync(options,
            "SELECT count(*) FROM pg_class WHERE relname = 'hot_grain_state' AND 'fillfactor=70' = ANY (reloptions)"));
    }

    /// <summary>
    /// The group write's statements keep their plans for the session (no planning per call), and those plans look rows
    /// up by their keys however small the tables were when the plans were made.
    /// </summary>
    [SkippableFact]
    public async Task PostgreSqlGroupWritesLookRowsUpByTheirKeys()
    {
        var options = await TestDatabases.CreateMigratedAsync(Engine.PostgreSql, "write_plans");
        await using var connection = new NpgsqlConnection(options.ResolveConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0;
            SET auto_explain.log_nested_statements = on;
            SET client_min_messages = log;
            SET auto_explain.log_level = log;
            """, connection);
        await command.ExecuteNonQueryAsync();
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);

        // One state written eight times: PL/pgSQL keeps a statement's generic plan after five executions.
        for (var version = 0; version < 8; version++)
        {
            await using var write = new NpgsqlCommand("""
                SELECT written FROM hot_grain_write('s', ARRAY['n'], ARRAY['g'], ARRAY['\x01'::bytea], ARRAY[@expected::integer],
                    ARRAY[1::bigint], ARRAY[@key], ARRAY['\x02'::bytea], ARRAY[]::bigint[], ARRAY[]::text[])
                """, connection);
            write.Parameters.AddWithValue("expected", version == 0 ? DBNull.Value : version);
            write.Parameters.AddWithValue("key", $"key {version}");
            Assert.Equal(version + 1, await write.ExecuteScalarAsync());
        }

        var update = plans.Last(p => p.Contains("Update on hot_grain_state", StringComparison.Ordinal));
        Assert.Contains("Index Scan using hot_grain_state_pkey", update, StringComparison.Ordinal);
        // Parameters, not the values of one call: the plan made once and kept.
        Assert.Matches(@"Index Cond: .*\$\d", update);
    }

    [Fact]
    public void SqliteDefaultsToAFileUnderData()
    {
        var options = new StorageOptions { Provider = StorageProvider.Sqlite };

        var dataSource = new SqliteConnectionStringBuilder(options.ResolveConnectionString()).DataSource;

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "data", "plates.db"), dataSource);
        Assert.True(Directory.Exists(Path.GetDirectoryName(dataSource)));
    }

    [Fact]
    public void PostgreSqlConnectionsWaitNoLongerThanTheTimeoutPoolNoMoreThanTheMaximumAndPrepareTheirStatements()
    {
        var options = new StorageOptions
        {
            Provider = StorageProvider.PostgreSql,
            ConnectionString = "Host=db;Database=plates;Timeout=60;Maximum Pool Size=500",
            Timeout = TimeSpan.FromSeconds(2.5),
            MaxPoolSize = 7,
        };

        // Every provider (Orleans' storage, reminders and membership; the ledger) opens this string.
        var resolved = new NpgsqlConnectionStringBuilder(options.ResolveConnectionString());

        Assert.Equal(("db", "plates"), (resolved.Host, resolved.Database));
        Assert.Equal(3, resolved.Timeout);
        Assert.Equal(3, resolved.CommandTimeout);
        Assert.Equal(7, resolved.MaxPoolSize);
        Assert.Equal((128, 2, true), (resolved.MaxAutoPrepare, resolved.AutoPrepareMinUsages, resolved.NoResetOnClose));
        Assert.Equal(options.ResolveConnectionString(), new StorageOptions
        {
            Provider = StorageProvider.PostgreSql,
            ConnectionString = options.ResolveConnectionString(),
            Timeout = options.Timeout,
            MaxPoolSize = options.MaxPoolSize,
        }.ResolveConnectionString());
    }

    private static IReadOnlyList<string> EmbeddedScripts(Engine engine)
    {
        var prefix = $"PlateOrleans.Silo.Storage.Schema.{engine}.";
        return [.. typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order()];
    }
}
