using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
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
    public async Task TheWritersConnectionCommitsDurablyKeepsItsSavepointsJournalsInMemoryAndCheckpointsRarely()
    {
        var writer = SqliteWriter.For(NewFile());
        var (synchronous, tempStore, checkpointEvery) = await writer.JoinAsync("test", transaction =>
        {
            using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            int Pragma(string name)
            {
                command.CommandText = $"PRAGMA {name}";
                return Convert.ToInt32(command.ExecuteScalar());
            }

            return (Pragma("synchronous"), Pragma("temp_store"), Pragma("wal_autocheckpoint"));
        });

        Assert.Equal(2, synchronous); // FULL: a commit is on the disk before its callers hear of it
        Assert.Equal(2, tempStore); // MEMORY: each joining work's savepoint journal never becomes a file written page by page
        Assert.Equal(10_000, checkpointEvery); // pages of WAL: the hot pages are copied back into the file a tenth as often
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

    [Fact]
    public async Task JoiningWorkSharesOneTransactionAndAFailureUndoesOnlyItsOwnWrites()
    {
        var file = NewFile();
        using (var setup = SqliteWriter.OpenConnection(file))
        {
            using var create = setup.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (v INTEGER)";
            create.ExecuteNonQuery();
        }

        var writer = SqliteWriter.For(file);
        var held = new ManualResetEventSlim();
        var blocker = writer.RunAsync("test", () => held.Wait(TimeSpan.FromSeconds(10)));

        // Queued while the writer is busy, so they run in one transaction; the second fails after writing.
        var first = writer.JoinAsync("test", transaction => Insert(transaction, 1));
        var failing = writer.JoinAsync<long>("test", transaction =>
        {
            Insert(transaction, 2);
            throw new InvalidOperationException("no");
        });
        var third = writer.JoinAsync("test", transaction => Insert(transaction, 3));
        var counted = writer.JoinAsync("test", transaction => (Inside: Count(transaction), Outside: CountOutside(file)));
        held.Set();
        await blocker;

        Assert.Equal("no", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        await Task.WhenAll(first, third);

        // The fourth saw the first and third written while another connection saw nothing committed: one transaction.
        Assert.Equal((2L, 0L), await counted);
        using var reader = new SqliteConnection(file);
        reader.Open();
        using var values = reader.CreateCommand();
        values.CommandText = "SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)";
        Assert.Equal("1,3", values.ExecuteScalar());
    }

    [Fact]
    public async Task NoJoiningWorkHearsOfSuccessBeforeItsTransactionCommitted()
    {
        var file = NewFile();
        var writer = SqliteWriter.For(file);

        // The table does not exist: the statements succeed in no work; every caller hears of it, none of success.
        var works = Enumerable.Range(0, 5).Select(i => writer.JoinAsync("test", transaction => Insert(transaction, i))).ToList();
        foreach (var work in works)
        {
            await Assert.ThrowsAsync<SqliteException>(() => work);
        }

        // A failed transaction leaves the writer able to go on with a fresh one.
        Assert.Equal(7, await writer.JoinAsync("test", _ => 7L));
    }

    private static long Insert(SqliteTransaction transaction, int value)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO t (v) VALUES (@v)";
        command.Parameters.AddWithValue("@v", value);
        return command.ExecuteNonQuery();
    }

    private static long CountOutside(string file)
    {
        using var connection = new SqliteConnection(file);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }

    private static long Count(SqliteTransaction transaction)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }
}
