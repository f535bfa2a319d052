using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.Silo.Operations;

/// <summary>
/// Whether the configured database answers a trivial query within <see cref="Timeout"/>, for <c>/health/ready</c>.
/// It opens a connection of its own (SQLite: unpooled and without creating the file, so a missing or broken file is
/// seen; PostgreSQL: a pool of two apart from the app's, so a busy app pool does not read as an outage).
/// </summary>
public sealed class StorageProbe(StorageOptions storage, ILogger<StorageProbe> logger)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly string? _connectionString = ProbeConnectionString(storage);

    /// <summary>The database's name as the readiness answer shows it.</summary>
    public string Provider => storage.Provider.ToString().ToLowerInvariant();

    /// <summary>True when the database answered in time (always, for the memory storage).</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is null)
        {
            return true;
        }

        try
        {
            // Microsoft.Data.Sqlite works synchronously: the wait is bounded here, not by the driver.
            await Task.Run(() => QueryAsync(cancellationToken), cancellationToken).WaitAsync(Timeout, cancellationToken);
            return true;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the reason (no file, no server, a timeout), the database is not there for the app.
            logger.LogWarning("The {Provider} database did not answer the readiness probe: {Error}", Provider, e.Message);
            return false;
        }
    }

    private async Task QueryAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = storage.Provider == StorageProvider.PostgreSql
            ? new NpgsqlConnection(_connectionString)
            : new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // SQLite: reading the schema reads the file's first page, so a file that is not a database fails too.
        command.CommandText = storage.Provider == StorageProvider.PostgreSql ? "SELECT 1" : "SELECT count(*) FROM sqlite_master";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static string? ProbeConnectionString(StorageOptions storage) => storage.Provider switch
    {
        StorageProvider.Sqlite => new SqliteConnectionStringBuilder(storage.ResolveConnectionString())
        {
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)Timeout.TotalSeconds,
        }.ToString(),
        StorageProvider.PostgreSql => new NpgsqlConnectionStringBuilder(storage.ResolveConnectionString())
        {
            ApplicationName = "plate-orleans-health",
            MaxPoolSize = 2,
            MinPoolSize = 0,
            Timeout = (int)Timeout.TotalSeconds,
            CommandTimeout = (int)Timeout.TotalSeconds,
        }.ToString(),
        _ => null,
    };
}
