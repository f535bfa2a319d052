using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// One turn at a time for the writers of this process on one SQLite file (the grain-state group commit, the ledger,
/// the audit trail). SQLite has one write lock; when two connections ask for it at once, Microsoft.Data.Sqlite answers
/// the loser by sleeping 150 ms and retrying, so concurrent writers cost whole sleeps. Taking turns here first, each
/// writer finds the lock free and waits only for the other's commit.
/// </summary>
internal static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The gate of the file a connection string names.</summary>
    public static SemaphoreSlim For(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var key = source is "" or ":memory:" || source.StartsWith("file:", StringComparison.Ordinal) ? source : Path.GetFullPath(source);
        return _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
    }
}
