using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace PlateOrleans.Silo.Storage;

/// <summary>Which database holds grain state, reminders, the plate ledger and the audit trail.</summary>
public enum StorageProvider
{
    /// <summary>Process memory: nothing survives a restart. For tests and demos.</summary>
    Memory,

    /// <summary>One SQLite file: the standalone default.</summary>
    Sqlite,

    /// <summary>PostgreSQL: the cluster mode, shared by every silo.</summary>
    PostgreSql,
}

/// <summary>The storage settings, bound from the configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Used when <see cref="ConnectionString"/> is empty and <see cref="Provider"/> is SQLite.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/plates.db";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long anything waits for the database (connect, a free pooled connection, a statement) before the caller
    /// hears "unavailable": the drivers' own defaults (15 s to connect, 30 s per statement) would hold a request
    /// long past the point where an applicant should be told to try again.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// PostgreSQL only: the most connections one pool opens. Each process has three pools (Orleans' providers; the
    /// ledger and audit trail; the selections' group commit), so a silo opens at most three times this many. A two-core database server gains nothing
    /// from more, and a restart under load would otherwise answer a storm of hundreds of new connections.
    /// </summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>Reads the <c>Storage</c> section; a missing section means the SQLite default.</summary>
    public static StorageOptions FromConfiguration(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<StorageOptions>() ?? new StorageOptions();

    /// <summary>
    /// The connection string to open. For SQLite the file path is made absolute (every provider and every later
    /// working directory then agree on one file) and its directory is created.
    /// </summary>
    public string ResolveConnectionString()
    {
        switch (Provider)
        {
            case StorageProvider.Sqlite:
                var builder = new SqliteConnectionStringBuilder(
                    string.IsNullOrWhiteSpace(ConnectionString) ? DefaultSqliteConnectionString : ConnectionString);
                builder.DataSource = Path.GetFullPath(builder.DataSource);
                // Busy timeout: Microsoft.Data.Sqlite retries a locked database until the command timeout
                // ("Default Timeout", 30 s unless the connection string says otherwise), for Orleans' connections too.
                // WAL, set by SchemaMigrator, keeps readers out of the writer's way.
                Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
                return builder.ToString();
            case StorageProvider.PostgreSql:
                if (string.IsNullOrWhiteSpace(ConnectionString))
                {
                    throw new InvalidOperationException("Storage:ConnectionString is required for PostgreSql.");
                }

                var postgres = new NpgsqlConnectionStringBuilder(ConnectionString)
                {
                    Timeout = TimeoutSeconds,
                    CommandTimeout = TimeoutSeconds,
                    MaxPoolSize = MaxPoolSize,
                    // No session state is set on a pooled connection (the migrations' lock has an unpooled one), so
                    // none needs resetting when it goes back to the pool.
                    NoResetOnClose = true,
                };

                // Every statement of the hot path is the same text each time (a group travels as arrays): prepared
                // on a connection at its second use, PostgreSQL parses and plans it once per connection, not per group.
                if (postgres.MaxAutoPrepare == 0)
                {
                    postgres.MaxAutoPrepare = 128;
                    postgres.AutoPrepareMinUsages = 2;
                }

                return postgres.ToString();
            default:
                throw new InvalidOperationException($"The {Provider} storage has no connection string.");
        }
    }

    /// <summary><see cref="Timeout"/> in the whole seconds the drivers take, at least one.</summary>
    internal int TimeoutSeconds => Math.Max(1, (int)Math.Ceiling(Timeout.TotalSeconds));

    /// <summary>The ADO.NET invariant the Orleans providers know this database by.</summary>
    internal string AdoNetInvariant => Provider switch
    {
        StorageProvider.PostgreSql => "Npgsql",
        // Orleans 10.4.2 knows SQLite only under this name, and maps it to Microsoft.Data.Sqlite's factory itself
        // (its "Microsoft.Data.Sqlite" invariant fails at silo start): no DbProviderFactories registration needed.
        StorageProvider.Sqlite => "System.Data.SQLite",
        _ => throw new InvalidOperationException($"The {Provider} storage does not use ADO.NET."),
    };
}
