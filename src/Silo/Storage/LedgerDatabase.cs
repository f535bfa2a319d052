using System.Data.Common;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Contracts;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The database under <see cref="SqlPlateLedger"/> and <see cref="SqlAuditTrail"/>: its connections, the few
/// statements whose SQL differs between PostgreSQL and SQLite (the batched inserts), how it stores times, and which
/// of its errors mean "the database did not answer". Share one instance between the ledger and the audit trail.
/// </summary>
public abstract class LedgerDatabase : IAsyncDisposable
{
    /// <summary>The ledger database for the configured storage; <see cref="StorageOptions.Timeout"/> bounds every wait.</summary>
    public static LedgerDatabase Create(StorageOptions options) => options.Provider switch
    {
        StorageProvider.PostgreSql => new PostgreSqlLedgerDatabase(options.ResolveConnectionString()),
        StorageProvider.Sqlite => new SqliteLedgerDatabase(options.ResolveConnectionString(), options.TimeoutSeconds),
        _ => throw new InvalidOperationException($"The {options.Provider} storage keeps the ledger in memory."),
    };

    public abstract ValueTask DisposeAsync();

    /// <summary>
    /// Runs <paramref name="work"/> on an open connection; when the database does not answer, throws
    /// <see cref="LedgerUnavailableException"/> (other errors are bugs and pass unchanged).
    /// </summary>
    internal async Task<T> RunAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    /// <summary>
    /// <see cref="RunAsync{T}"/> for work whose statements each stand alone: the transaction it is given, if any, must
    /// be set on each command. On SQLite it is the shared transaction of the file's one writer thread
    /// (<see cref="SqliteWriter"/>), which commits it with the other writes queued beside it.
    /// </summary>
    internal Task<T> RunWriteAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> work, CancellationToken cancellationToken) =>
        Writer is { } writer ? JoinAsync(writer, work) : RunAsync(connection => work(connection, null), cancellationToken);

    /// <summary><see cref="RunWriteAsync{T}"/> for work that must be atomic: all in one transaction, committed after it.</summary>
    internal Task<T> RunTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        Writer is { } writer
            ? JoinAsync(writer, (connection, transaction) => work(connection, transaction!))
            : RunAsync(async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }, cancellationToken);

    /// <summary>The thread that writes, where the database wants one writer at a time.</summary>
    private protected virtual SqliteWriter? Writer => null;

    /// <summary>
    /// Makes <paramref name="command"/> insert the entries, in order, skipping any that would break a unique guard
    /// (so the first of two conflicting entries wins), and return the (office_code, plate, vin) of each row written.
    /// </summary>
    internal abstract void InsertReservations(DbCommand command, IReadOnlyList<LedgerEntry> entries);

    /// <summary>Makes <paramref name="command"/> select the live rows holding any of the entries' VINs or plates.</summary>
    internal abstract void SelectLiveRows(DbCommand command, string columns, IReadOnlyList<LedgerEntry> entries);

    /// <summary>Inserts the events, in order, within <paramref name="transaction"/> when there is one.</summary>
    internal abstract Task InsertAuditEventsAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyList<AuditEvent> events);

    /// <summary>A point in time as this database stores it (always UTC).</summary>
    internal abstract object ToDbTime(DateTimeOffset time);

    internal abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    private protected abstract bool IsUnavailable(Exception exception);

    /// <summary>
    /// Runs the work in the writer's shared transaction. SQLite's "async" methods complete synchronously, so waiting
    /// for the work there blocks nothing but the writer thread, whose work it is.
    /// </summary>
    private async Task<T> JoinAsync<T>(SqliteWriter writer, Func<DbConnection, DbTransaction?, Task<T>> work)
    {
        try
        {
            return await writer.JoinAsync("ledger", transaction => work(transaction.Connection!, transaction).GetAwaiter().GetResult());
        }
        catch (Exception exception) when (IsUnavailable(exception))
        {
            throw Unavailable(exception);
        }
    }

    private LedgerUnavailableException Unavailable(Exception exception)
    {
        ForgetConnections();
        return new LedgerUnavailableException($"The ledger database did not answer in time ({exception.GetType().Name}: {exception.Message}).");
    }

    /// <summary>Drops pooled connections after a failure, so the next call does not pick up a dead one.</summary>
    private protected virtual void ForgetConnections()
    {
    }
}

/// <summary>Adds named parameters without caring about the provider.</summary>
internal static class DbCommandExtensions
{
    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
