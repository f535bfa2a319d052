using System.Diagnostics.Metrics;
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
        var jobs = Enumerable.Range(0, 200).Select(i => writer.RunAsync("test", () =>
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
        var failed = writer.RunAsync<int>("test", () => throw new InvalidOperationException("no"));
        var next = writer.RunAsync("test", () => 42);

        Assert.Equal("no", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        Assert.Equal(42, await next);
    }

    [Fact]
    public async Task TheTimeSpentWritingAndWaitingIsMeasuredByKindOfWork()
    {
        var measured = new List<(string Instrument, double Value, object? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SqliteWriter.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "kind" && Equals(tag.Value, "metered"))
                {
                    lock (measured)
                    {
                        measured.Add((instrument.Name, value, tag.Value));
                    }
                }
            }
        });
        listener.Start();

        await SqliteWriter.For(NewFile()).RunAsync("metered", () => { Thread.Sleep(20); return 0; });

        lock (measured)
        {
            Assert.Contains(measured, m => m.Instrument == "plateorleans.sqlite.writer.busy" && m.Value >= 0.015);
            Assert.Contains(measured, m => m.Instrument == "plateorleans.sqlite.writer.wait");
        }
    }
}
