using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The one thread that writes to a SQLite file for this process: the grain-state group commit, the ledger, the audit
/// trail and Orleans' own writers (<see cref="SqliteTurns"/>) hand it their work, and it runs one piece at a time.
/// Work that joins (<see cref="JoinAsync{T}"/>, <see cref="Join"/>) shares one transaction with the joining work queued
/// beside it: one commit, so one fsync, for all of them.
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
/// waited for its turn, both by the kind of work (<c>selections</c>, <c>ledger</c>, <c>orleans</c>; <c>commit</c> is
/// the commit of a shared transaction).
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

    /// <summary>The most pieces of joining work one transaction carries (each may be a group of many writes).</summary>
    private const int MaxJoined = 64;

    private readonly string _file;
    private readonly string _connectionString;
    private readonly Queue<Queued> _work = new();
    private bool _running;

    /// <summary>The connection of the shared transactions; used on the writer thread only.</summary>
    private SqliteConnection? _connection;

    private SqliteWriter(string file, string connectionString) => (_file, _connectionString) = (file, connectionString);

    /// <summary>
    /// Work that joins the writer's shared transaction. The writer calls <see cref="Taken"/> when the work's turn
    /// comes, before the transaction begins; then <see cref="Run"/>, which writes within it and may throw: then only
    /// its own writes are undone. After the transaction committed the writer calls <see cref="Committed"/>; if it did
    /// not commit, or <see cref="Run"/> threw, <see cref="Failed"/> (possibly twice, and possibly without
    /// <see cref="Run"/> having been called).
    /// </summary>
    public interface IJoiningWork
    {
        string Kind { get; }

        void Taken();

        void Run(SqliteTransaction transaction);

        void Committed();

        void Failed(Exception exception);
    }

    /// <summary>
    /// The writer of the file a connection string names. The first caller's connection string (its busy timeout
    /// included) opens the connection of the shared transactions.
    /// </summary>
    public static SqliteWriter For(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var file = source is "" or ":memory:" || source.StartsWith("file:", StringComparison.Ordinal) ? source : Path.GetFullPath(source);
        return _writers.GetOrAdd(file, f => new SqliteWriter(f, connectionString));
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
            // Each joining work runs in a savepoint, whose sub-journal holds the pages it changes again within the
            // shared transaction; on file it spilled past 64 KiB into a temporary file written page by page (two
            // write calls a page, 12,700 a second in the draw phase, a third of the writer's). In memory it costs
            // at most the pages one transaction touches.
            // The WAL is copied back into the file (a checkpoint, run by the commit that finds it long enough) every
            // 10,000 pages rather than SQLite's 1,000: in the draw phase that was ten times a second, each copying
            // again the pages every selection in flight had changed since the last one.
            command.CommandText = "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 10000";
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
        Queue(new Queued(Stopwatch.GetTimestamp(), kind, null, () =>
        {
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

            return failure is null ? () => completion.SetResult(result!) : () => completion.SetException(failure);
        }));
        return completion.Task;
    }

    /// <summary>Runs asynchronous work on the writer thread, waiting there for it to finish (the file stays this work's meanwhile).</summary>
    public Task<T> RunToCompletionAsync<T>(string kind, Func<Task<T>> work) => RunAsync(kind, () => work().GetAwaiter().GetResult());

    /// <summary>
    /// Runs <paramref name="work"/> on the writer thread within a transaction shared with the joining work queued
    /// beside it; completes with its result once that transaction committed. If the work throws, its own writes are
    /// undone and the task fails with that exception; the others' go on.
    /// </summary>
    public Task<T> JoinAsync<T>(string kind, Func<SqliteTransaction, T> work)
    {
        var joining = new Joining<T>(kind, work);
        Join(joining);
        return joining.Completion.Task;
    }

    /// <summary>Queues work that joins the shared transaction (see <see cref="IJoiningWork"/>).</summary>
    public void Join(IJoiningWork work) => Queue(new Queued(Stopwatch.GetTimestamp(), work.Kind, work, null));

    private void Queue(Queued work)
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
        var joining = new List<Queued>(MaxJoined);
        while (true)
        {
            Queued next;
            lock (_work)
            {
                while (_work.Count == 0)
                {
                    if (!Monitor.Wait(_work, _idleFor) && _work.Count == 0)
                    {
                        _running = false;
                        _connection?.Dispose();
                        _connection = null;
                        return;
                    }
                }

                next = _work.Dequeue();

                // Joining work queued together shares a transaction; work alone keeps its place in the order.
                if (next.Joining is not null)
                {
                    joining.Add(next);
                    while (joining.Count < MaxJoined && _work.TryPeek(out var more) && more.Joining is not null)
                    {
                        joining.Add(_work.Dequeue());
                    }
                }
            }

            if (joining.Count > 0)
            {
                RunShared(joining);
                joining.Clear();
            }
            else
            {
                Measured(next, next.Alone!)();
            }
        }
    }

    /// <summary>One transaction for all of <paramref name="works"/>, each in a savepoint of its own.</summary>
    private void RunShared(List<Queued> works)
    {
        works.ForEach(work => work.Joining!.Taken());
        try
        {
            _connection ??= OpenConnection(_connectionString);

            // IMMEDIATE: take the write lock at BEGIN (waiting there if another process holds it), not halfway through.
            using var transaction = _connection.BeginTransaction(deferred: false);
            foreach (var work in works)
            {
                Measured(work, () =>
                {
                    transaction.Save("work");
                    try
                    {
                        work.Joining!.Run(transaction);
                    }
                    catch (Exception exception)
                    {
                        // Undoing the work's own writes must succeed, or the whole transaction is given up below.
                        transaction.Rollback("work");
                        transaction.Release("work");
                        work.Joining!.Failed(exception);
                        return HearsAfterTheCommit;
                    }

                    transaction.Release("work");
                    return HearsAfterTheCommit;
                });
            }

            var startedAt = Stopwatch.GetTimestamp();
            transaction.Commit();
            _busy.Add(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("kind", "commit"));
        }
        catch (Exception exception)
        {
            // Nothing of the transaction is kept; the connection may be left in any state: start afresh.
            _connection?.Dispose();
            _connection = null;
            works.ForEach(work => work.Joining!.Failed(exception));
            return;
        }

        // Work that failed alone has heard already; Committed does not undo that.
        works.ForEach(work => work.Joining!.Committed());
    }

    /// <summary>Runs the work, measured; returns what tells its caller, to be called after the measurement.</summary>
    private static Action Measured(Queued work, Func<Action> run)
    {
        var startedAt = Stopwatch.GetTimestamp();
        var tag = new KeyValuePair<string, object?>("kind", work.Kind);
        _wait.Record(Stopwatch.GetElapsedTime(work.QueuedAt, startedAt).TotalMilliseconds, tag);
        var tell = run();

        // Measured before the caller hears, so that what it reads of the meter includes its own work.
        _busy.Add(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tag);
        return tell;
    }

    /// <summary>What a joining work's run returns for telling its caller: nothing yet (it hears after the commit).</summary>
    private static readonly Action HearsAfterTheCommit = () => { };

    private readonly record struct Queued(long QueuedAt, string Kind, IJoiningWork? Joining, Func<Action>? Alone);

    private sealed class Joining<T>(string kind, Func<SqliteTransaction, T> work) : IJoiningWork
    {
        private T? _result;
        private bool _failed;

        // Continuations run on the thread pool, never on the writer thread.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => kind;

        public void Taken()
        {
        }

        public void Run(SqliteTransaction transaction) => _result = work(transaction);

        public void Committed()
        {
            if (!_failed)
            {
                Completion.TrySetResult(_result!);
            }
        }

        public void Failed(Exception exception)
        {
            _failed = true;
            Completion.TrySetException(exception);
        }
    }
}
