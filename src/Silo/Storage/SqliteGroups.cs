namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit on a SQLite file's writer thread (<see cref="SqliteWriter"/>): callers add one item each; when its
/// turn comes, everything added meanwhile (up to a group's size) is written by one call of the write function, in one
/// transaction, and each caller completes with its own result. A failed group fails only its own callers.
/// </summary>
internal sealed class SqliteGroups<TItem, TResult>(SqliteWriter writer, string kind, int maxGroupSize, Func<List<TItem>, TResult[]> write)
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

        _ = writer.RunAsync(kind, WriteQueued);
        return pending.Completion.Task;
    }

    /// <summary>Takes no more items and writes those added; then runs <paramref name="last"/> on the writer thread.</summary>
    public Task CloseAsync(Action last)
    {
        lock (_queue)
        {
            _closed = true;
        }

        return writer.RunAsync(kind, () =>
        {
            while (WriteQueued())
            {
            }

            last();
            return true;
        });
    }

    /// <summary>
    /// On the writer thread: writes one group of what is queued, and queues itself again behind the file's other work
    /// if more arrived. Returns whether it wrote anything.
    /// </summary>
    private bool WriteQueued()
    {
        var group = new List<Pending>();
        lock (_queue)
        {
            while (group.Count < maxGroupSize && _queue.TryDequeue(out var pending))
            {
                group.Add(pending);
            }

            if (group.Count == 0)
            {
                _queuedOnWriter = false;
                return false;
            }
        }

        try
        {
            var results = write([.. group.Select(p => p.Item)]);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception exception)
        {
            group.ForEach(p => p.Completion.TrySetException(exception));
        }

        lock (_queue)
        {
            if (_queue.Count == 0)
            {
                _queuedOnWriter = false;
                return true;
            }
        }

        _ = writer.RunAsync(kind, WriteQueued);
        return true;
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        // Continuations run on the thread pool, never inline on the writer thread.
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
