using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

public sealed class BatchWriterTests
{
    [Fact]
    public async Task ItemsQueuedWhileABatchIsWrittenGoTogetherIntoTheNextBatch()
    {
        var batches = new List<IReadOnlyList<int>>();
        var firstBatchEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new BatchWriter<int, string>(async items =>
        {
            lock (batches)
            {
                batches.Add(items);
            }

            firstBatchEntered.TrySetResult();
            await releaseFirstBatch.Task;
            return [.. items.Select(i => $"#{i}")];
        }, maxBatchSize: 100);

        var first = writer.WriteAsync(0);
        await firstBatchEntered.Task;
        var queued = Enumerable.Range(1, 50).Select(i => writer.WriteAsync(i)).ToList();
        Assert.False(first.IsCompleted);
        releaseFirstBatch.SetResult();

        Assert.Equal("#0", await first);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"#{i}"), await Task.WhenAll(queued));
        Assert.Equal([[0], [.. Enumerable.Range(1, 50)]], batches);
    }

    [Fact]
    public async Task ABatchNeverExceedsTheMaximumSize()
    {
        var sizes = new List<int>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new BatchWriter<int, int>(async items =>
        {
            sizes.Add(items.Count);
            await gate.Task;
            return items;
        }, maxBatchSize: 10);

        var all = Enumerable.Range(0, 35).Select(i => writer.WriteAsync(i)).ToList();
        gate.SetResult();

        Assert.Equal(Enumerable.Range(0, 35), await Task.WhenAll(all));
        Assert.All(sizes, size => Assert.InRange(size, 1, 10));
        Assert.Equal(35, sizes.Sum());
    }

    [Fact]
    public async Task AFailedBatchFailsItsCallersAndTheNextBatchIsWritten()
    {
        var fail = true;
        await using var writer = new BatchWriter<int, int>(items =>
            fail ? throw new TimeoutException("down") : Task.FromResult<IReadOnlyList<int>>([.. items.Select(i => i * 2)]), maxBatchSize: 10);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => writer.WriteAsync(1));
        Assert.Equal("down", failure.Message);

        fail = false;
        Assert.Equal(4, await writer.WriteAsync(2));
    }

    [Fact]
    public async Task ACallerThatGivesUpBeforeItsBatchFormsIsNotWritten()
    {
        var written = new List<int>();
        var firstBatchEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var writer = new BatchWriter<int, int>(async items =>
        {
            written.AddRange(items);
            firstBatchEntered.TrySetResult();
            await gate.Task;
            return items;
        }, maxBatchSize: 10);

        var first = writer.WriteAsync(1);
        await firstBatchEntered.Task;
        using var giveUp = new CancellationTokenSource();
        var abandoned = writer.WriteAsync(2, giveUp.Token);
        giveUp.Cancel();
        var third = writer.WriteAsync(3);
        gate.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.Equal(1, await first);
        Assert.Equal(3, await third);
        Assert.DoesNotContain(2, written);
    }

    [Fact]
    public async Task DisposingWritesWhatIsQueuedThenRefusesNewItems()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = new BatchWriter<int, int>(async items =>
        {
            await gate.Task;
            return items;
        }, maxBatchSize: 10);

        var queued = Enumerable.Range(0, 5).Select(i => writer.WriteAsync(i)).ToList();
        var disposing = writer.DisposeAsync().AsTask();
        gate.SetResult();
        await disposing;

        Assert.Equal(Enumerable.Range(0, 5), await Task.WhenAll(queued));
        Assert.Throws<ObjectDisposedException>(() => { _ = writer.WriteAsync(9); });
    }
}
