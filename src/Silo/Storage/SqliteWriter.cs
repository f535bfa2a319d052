using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The one thread that writes to a SQLite file for this process: the grain-state group commit, the ledger, the audit
/// trail and Orleans' own writers (<see cref="SqliteTurns"/>) hand it their work, and it runs one piece at a time.
/// </summary>
/// <remarks>
/// SQLite has one write lock, and Microsoft.Data.Sqlite answers a connection that finds it taken by sleeping 150 ms:
/// writers of one process must take turns. A semaphore gave the turns, but handed each turn to a continuation queued
/// on the thread pool behind the requests, so under load the file sat idle while its next owner waited to run (a group
/// commit waited 12-15 ms for each turn, measured in issue 7). On its own thread a turn passes at once, and SQLite's
/// synchronous I/O (its "async" methods are synchronous) never blocks a thread-pool thread. The thread ends after
/// <see cref="_idleFor"/> without work and starts again with the next.
/// <para>
/// How busy the thread is shows in the meter <see cref="MeterName"/> (<c>dotnet-counters monitor --counters
/// PlateOrleans.Storage</c>): <c>plateorleans.sqlite.writer.busy</c> counts the seconds spent writing (its rate is the
/// share of the thread in use; near 1 the file sets the pace), <c>plateorleans.sqlite.writer.wait</c> is how long work
/// waited for its turn, both by the kind of work (<c>selections</c>, <c>ledger</c>, <c>orleans</c>).
/// </para>
/// </remarks>
internal sealed class SqliteWriter
{
    public const string MeterName = "PlateOrleans.Storage";

    private static readonly Meter _meter = new(MeterName);
    private static readonly Counter<double> _busy = _meter.CreateCounter<double>(
        "plateorleans.sqlite.writer.busy", "s", "Time the SQLite writer thread spent running work");
    private static readonly Histogram<double> _wait = _meter.CreateHistogram<double>(
        "plateorleans.sqlite.writer.wait", "ms", "How long work waited for the SQLite writer thread");

    private static readonly ConcurrentDictionary<string, SqliteWriter> _writers = new(StringComparer.Ordinal);
    private static readonly TimeSpan _idleFor = TimeSpan.FromSeconds(10);

    private readonly string _file;
    private readonly Queue<Action> _work = new();
    private bool _running;

    private SqliteWriter(string file) => _file = file;

    /// <summary>The writer of the file a connection string names.</summary>
    public static SqliteWriter For(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var file = source is "" or ":memory:" || source.StartsWith("file:", StringComparison.Ordinal) ? source : Path.GetFullPath(source);
        return _writers.GetOrAdd(file, f => new SqliteWriter(f));
    }

    /// <summary>
    /// A write connection as the writers on the writer thread use it: synchronous = FULL, the durability of the ledger
    /// (see <see cref="SqliteLedgerDatabase"/>).
    /// </summary>
    public static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous = FULL";
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer thread after the work queued before it; its result or exception
    /// completes the task. <paramref name="kind"/> names the work in the metrics.
    /// </summary>
    public Task<T> RunAsync<T>(string kind, Func<T> work)
    {
        // Continuations run on the thread pool, never on the writer thread.
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queuedAt = Stopwatch.GetTimestamp();
        Queue(() =>
        {
            var startedAt = Stopwatch.GetTimestamp();
            var tag = new KeyValuePair<string, object?>("kind", kind);
            _wait.Record(Stopwatch.GetElapsedTime(queuedAt, startedAt).TotalMilliseconds, tag);
            Exception? failure = null;
            var result = default(T);
            try
            {
                result = work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }

            // Measured before the caller hears, so that what it reads of the meter includes its own work.
            _busy.Add(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
            if (failure is null)
            {
                completion.SetResult(result!);
            }
            else
            {
                completion.SetException(failure);
            }
        });
        return completion.Task;
    }

    /// <summary>Runs asynchronous work on the writer thread, waiting there for it to finish (the file stays this work's meanwhile).</summary>
    public Task<T> RunToCompletionAsync<T>(string kind, Func<Task<T>> work) => RunAsync(kind, () => work().GetAwaiter().GetResult());

    private void Queue(Action work)
    {
        lock (_work)
        {
            _work.Enqueue(work);
            if (_running)
            {
                Monitor.Pulse(_work);
                return;
            }

            _running = true;
        }

        new Thread(Run) { IsBackground = true, Name = $"SQLite writer {Path.GetFileName(_file)}" }.Start();
    }

    private void Run()
    {
        while (true)
        {
            Action next;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (!Monitor.Wait(_work, _idleFor) && _work.Count == 0)
                    {
                        _running = false;
                        return;
                    }
                }

                next = _work.Dequeue();
            }

            next();
        }
    }
}
