using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

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
                return string.IsNullOrWhiteSpace(ConnectionString)
                    ? throw new InvalidOperationException("Storage:ConnectionString is required for PostgreSql.")
                    : ConnectionString;
            default:
                throw new InvalidOperationException($"The {Provider} storage has no connection string.");
        }
    }

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
