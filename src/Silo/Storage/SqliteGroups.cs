using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit on a SQLite file's writer thread (<see cref="SqliteWriter"/>): callers add one item each; when its
/// turn comes, everything added meanwhile (up to a group's size) is written by one call of the write function, within
/// the writer's shared transaction, and each caller completes with its own result once that transaction committed. A
/// failed group fails only its own callers.
/// </summary>
/// <param name="started">Told when a group is taken for a transaction, before it begins.</param>
/// <param name="committed">Told the size of each group that committed, before its callers hear.</param>
internal sealed class SqliteGroups<TItem, TResult>(
    SqliteWriter writer,
    string kind,
    int maxGroupSize,
    Func<SqliteTransaction, List<TItem>, TResult[]> write,
    Action? started = null,
    Action<int>? committed = null)
{
    private readonly Queue<Pending> _queue = new();
    private bool _queuedOnWriter;
    private bool _closed;

    /// <summary>Adds an item; completes once its group committed.</summary>
    public Task<TResult> AddAsync(TItem item)
    {
        var pending = new Pending(item);
        lock (_queue)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _queue.Enqueue(pending);
            if (_queuedOnWriter)
            {
                return pending.Completion.Task;
            }

            _queuedOnWriter = true;
        }

        writer.Join(new Group(this));
        return pending.Completion.Task;
    }

    /// <summary>Takes no more items; completes once those added were written (or failed).</summary>
    public async Task CloseAsync()
    {
        lock (_queue)
        {
            _closed = true;
        }

        // Each group queues the next behind the file's other work, so wait until none is queued.
        while (await writer.RunAsync(kind, () => { lock (_queue) { return _queuedOnWriter; } }))
        {
        }
    }

    /// <summary>
    /// Takes the next group off the queue; if more remain, queues the group after it behind the file's other work.
    /// </summary>
    private List<Pending> Take()
    {
        var group = new List<Pending>();
        lock (_queue)
        {
            while (group.Count < maxGroupSize && _queue.TryDequeue(out var pending))
            {
                group.Add(pending);
            }

            if (_queue.Count == 0)
            {
                _queuedOnWriter = false;
                return group;
            }
        }

        writer.Join(new Group(this));
        return group;
    }

    private string Kind => kind;

    private TResult[] Write(SqliteTransaction transaction, List<TItem> items) => write(transaction, items);

    private void Started() => started?.Invoke();

    private void Committed(int count) => committed?.Invoke(count);

    /// <summary>One group's turn on the writer: taken when its turn comes, so that it holds all that arrived until then.</summary>
    private sealed class Group(SqliteGroups<TItem, TResult> groups) : SqliteWriter.IJoiningWork
    {
        private List<Pending>? _taken;
        private TResult[]? _results;

        public string Kind => groups.Kind;

        public void Taken()
        {
            _taken = groups.Take();
            if (_taken.Count > 0)
            {
                groups.Started();
            }
        }

        public void Run(SqliteTransaction transaction)
        {
            if (_taken is { Count: > 0 })
            {
                _results = groups.Write(transaction, [.. _taken.Select(p => p.Item)]);
            }
        }

        public void Committed()
        {
            if (_results is not null)
            {
                groups.Committed(_taken!.Count);
            }

            for (var i = 0; _results is not null && i < _taken!.Count; i++)
            {
                _taken[i].Completion.TrySetResult(_results[i]);
            }
        }

        public void Failed(Exception exception)
        {
            _taken?.ForEach(p => p.Completion.TrySetException(exception));
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        // Continuations run on the thread pool, never inline on the writer thread.
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
