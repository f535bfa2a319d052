using DbUp;
using DbUp.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Brings a database to the project's schema (Orleans' query table and provider tables, the plate ledger, the audit
/// trail) with the numbered scripts under Storage/Schema, embedded in this assembly. Idempotent: DbUp journals
/// what ran, so a second run does nothing. Safe when several processes start at once: they take turns.
/// </summary>
public static class SchemaMigrator
{
    // Any constant works as long as every process uses the same one; this one spells "PlateOrl".
    private const long PostgresLockKey = 0x506C6174654F726C;

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(1);

    /// <summary>Applies the scripts not yet applied; returns their names (none when the schema is current).</summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(
        StorageOptions options, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        MigrateAsync(options, lastScript: null, logger, cancellationToken);

    /// <summary>
    /// Applies the scripts up to and including the one whose file name is <paramref name="lastScript"/> (all when null):
    /// the tests build a database as an earlier release left it, then migrate it to the current schema.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> MigrateAsync(
        StorageOptions options, string? lastScript, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var connectionString = options.ResolveConnectionString();
        return options.Provider switch
        {
            StorageProvider.PostgreSql => await MigratePostgreSqlAsync(connectionString, lastScript, logger, cancellationToken),
            StorageProvider.Sqlite => await MigrateSqliteAsync(connectionString, lastScript, logger, cancellationToken),
            _ => throw new InvalidOperationException($"The {options.Provider} storage has no schema."),
        };
    }

    private static async Task<IReadOnlyList<string>> MigratePostgreSqlAsync(
        string connectionString, string? lastScript, ILogger? logger, CancellationToken cancellationToken)
    {
        // A session-level advisory lock, held on a connection of its own while DbUp works on others: the second
        // process waits here, then finds the journal complete and applies nothing. The lock connection is not
        // pooled, so disposing it ends the session and releases the lock, also when the upgrade throws.
        var unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var lockConnection = new NpgsqlConnection(unpooled.ToString());
        await lockConnection.OpenAsync(cancellationToken);
        await using (var command = lockConnection.CreateCommand())
        {
            command.CommandText = $"SET lock_timeout = '{(int)LockWait.TotalMilliseconds}ms'; SELECT pg_advisory_lock({PostgresLockKey})";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var upgrade = DeployChanges.To.PostgresqlDatabase(connectionString);
        return await Task.Run(() => Run(upgrade, "PostgreSql", lastScript, logger), cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> MigrateSqliteAsync(
        string connectionString, string? lastScript, ILogger? logger, CancellationToken cancellationToken)
    {
        var databaseFile = new SqliteConnectionStringBuilder(connectionString).DataSource;
        // SQLite has no lock that outlives a transaction, and DbUp runs one transaction per script; a lock file
        // beside the database serializes whole runs instead. It is never deleted: a process waiting on the old
        // file would otherwise hold a lock nobody else sees.
        await using var lockFile = await AcquireLockFileAsync(databaseFile + ".migrations.lock", cancellationToken);

        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            // WAL lets readers go on while one writer commits; the mode is stored in the file, so every later
            // connection (Orleans' too) gets it. Synchronous stays at SQLite's default, FULL: see SqliteLedgerDatabase.
            command.CommandText = "PRAGMA journal_mode = WAL";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var upgrade = DeployChanges.To.SqliteDatabase(connectionString);
        return await Task.Run(() => Run(upgrade, "Sqlite", lastScript, logger), cancellationToken);
    }

    private static IReadOnlyList<string> Run(UpgradeEngineBuilder upgrade, string folder, string? lastScript, ILogger? logger)
    {
        // Resource names (PlateOrleans.Silo.Storage.Schema.Sqlite.0001_....sql) are what DbUp journals: renaming a
        // script or its folder would run it again.
        var prefix = $"{typeof(SchemaMigrator).Namespace}.Schema.{folder}.";
        var builder = upgrade
            .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.StartsWith(prefix, StringComparison.Ordinal)
                && (lastScript is null || string.CompareOrdinal(name[prefix.Length..], lastScript) <= 0))
            // The scripts use PostgreSQL dollar quoting ($sql$), which DbUp would otherwise read as its variables.
            .WithVariablesDisabled()
            .WithTransactionPerScript();
        builder = logger is null ? builder.LogToNowhere() : builder.LogTo(logger);

        var result = builder.Build().PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Schema migration failed at {result.ErrorScript?.Name}.", result.Error);
        }

        return [.. result.Scripts.Select(s => s.Name)];
    }

    private static async Task<FileStream> AcquireLockFileAsync(string path, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive flock on Unix (and a share lock on Windows): other processes
                // and other streams in this process fail to open the file until it is closed.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }
}
