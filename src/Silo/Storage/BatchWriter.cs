using System.Threading.Channels;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit: callers hand in one item each; a single loop takes every item pending at that moment (up to a
/// maximum) and writes them with one call of the write function, then completes each caller with its own result.
/// While one batch is being written the next one gathers, so the batch grows with the load and each caller waits
/// for at most about two writes. A failed write fails only the callers of that batch; the loop goes on.
/// </summary>
public sealed class BatchWriter<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _write;
    private readonly int _maxBatchSize;
    private readonly Task _loop;

    /// <param name="write">Writes a batch and returns one result per item, in the same order.</param>
    /// <param name="maxBatchSize">The most items one write receives.</param>
    public BatchWriter(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write, int maxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _write = write;
        _maxBatchSize = maxBatchSize;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Queues an item and completes with its result once its batch is written, or with the exception that failed
    /// the batch. Cancelling gives up waiting; an item already being written may still be written.
    /// </summary>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(item, cancellationToken);
        if (!_pending.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(BatchWriter<TItem, TResult>));
        }

        return pending.Completion.Task;
    }

    /// <summary>Stops taking items, writes those already queued, and waits for the last batch.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatchSize);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatchSize && _pending.Reader.TryRead(out var pending))
            {
                // A caller that gave up before its batch formed is not written at all.
                if (!pending.Completion.Task.IsCompleted)
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch);
                batch.Clear();
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var results = await _write([.. batch.Select(p => p.Item)]);
            if (results.Count != batch.Count)
            {
                throw new InvalidOperationException($"The batch write returned {results.Count} results for {batch.Count} items.");
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(results[i]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Fail(exception);
            }
        }
    }

    private sealed class Pending
    {
        private readonly CancellationTokenRegistration _cancellation;

        public Pending(TItem item, CancellationToken cancellationToken)
        {
            Item = item;
            _cancellation = cancellationToken.Register(() => Completion.TrySetCanceled(cancellationToken));
        }

        public TItem Item { get; }

        // Continuations run on the thread pool, never inline on the write loop, so a slow caller cannot stall it.
        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(TResult result)
        {
            _cancellation.Dispose();
            Completion.TrySetResult(result);
        }

        public void Fail(Exception exception)
        {
            _cancellation.Dispose();
            Completion.TrySetException(exception);
        }
    }
}
