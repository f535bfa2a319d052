using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

public sealed class SqliteWriterTests
{
    private static string NewFile() => $"Data Source={Path.Combine(Path.GetTempPath(), $"writer-{Guid.NewGuid():N}.db")}";

    [Fact]
    public async Task AFilesWritesRunOneAtATimeInOrderOnAThreadThatIsNotThePools()
    {
        var writer = SqliteWriter.For(NewFile());
        var running = 0;
        var order = new List<int>();
        var onPool = false;
        var jobs = Enumerable.Range(0, 200).Select(i => writer.RunAsync(() =>
        {
            Assert.Equal(1, Interlocked.Increment(ref running));
            onPool |= Thread.CurrentThread.IsThreadPoolThread;
            order.Add(i);
            Thread.SpinWait(1000);
            Interlocked.Decrement(ref running);
            return i;
        })).ToList();

        Assert.Equal(Enumerable.Range(0, 200), await Task.WhenAll(jobs));
        Assert.Equal(Enumerable.Range(0, 200), order);
        Assert.False(onPool);
    }

    [Fact]
    public async Task OneConnectionStringOfAFileGetsTheSameWriterAndAFailureFailsOnlyItsOwnWork()
    {
        var file = NewFile();
        Assert.Same(SqliteWriter.For(file), SqliteWriter.For(file + ";Cache=Shared"));
        Assert.NotSame(SqliteWriter.For(file), SqliteWriter.For(NewFile()));

        var writer = SqliteWriter.For(file);
        var failed = writer.RunAsync<int>(() => throw new InvalidOperationException("no"));
        var next = writer.RunAsync(() => 42);

        Assert.Equal("no", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        Assert.Equal(42, await next);
    }
}
