using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using PlateOrleans.Grains;
using PlateOrleans.Silo.Storage;
using Xunit.Abstractions;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// The group-committing grain storage (<see cref="StorageNames.Selections"/>) on both databases: writes of many grains
/// share transactions, each answered only after its own committed, with Orleans' ETag rules per grain.
/// </summary>
public sealed class GroupCommitStorageTests(ITestOutputHelper output)
{
    private const string State = "dbtest-group";

    [SkippableTheory]
    [BothDatabases]
    public async Task ManyGrainsWritingAtOnceCommitInFewerGroupsThanWrites(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "group_count");
        using var _ = host;
        var grains = host.Service<IGrainFactory>();

        // Grains as the selections use it, all at once: whatever queues while a group commits goes in the next.
        var before = provider.GroupsCommitted;
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => grains.GetGrain<IHotStateTestGrain>($"many-{i}").SetAsync($"value {i}"))));
        var groups = provider.GroupsCommitted - before;
        output.WriteLine($"{engine}: 300 grain writes in {groups} groups");
        Assert.InRange(groups, 1, 299);
        Assert.Equal(300, await TestDatabases.CountAsync(storage, "SELECT count(*) FROM hot_grain_state WHERE state_name = 'dbtest-hot' AND payload IS NOT NULL"));

        // While one group waits for the database, 200 writes queue behind it and go together in the next one.
        Task blocker;
        Task[] queued;
        await using (await HoldWritesAsync(storage))
        {
            blocker = await BlockedWriteAsync(provider, Id("blocker"), "first");
            queued = [.. Enumerable.Range(0, 200).Select(i => Write(provider, Id($"queued-{i}"), $"value {i}"))];
            before = provider.GroupsStarted;
        }

        await Task.WhenAll(queued.Append(blocker));
        output.WriteLine($"{engine}: 200 writes queued behind a held group went in {provider.GroupsStarted - before} group(s)");
        Assert.Equal(1, provider.GroupsStarted - before);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task NoWriteIsAnsweredBeforeItsGroupCommitsAndReadsDoNotWaitForIt(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "answer_after_commit");
        using var _ = host;
        var id = Id("held");
        var state = await ReadAsync(provider, id);
        state.State = new TestState { Value = "before" };
        await provider.WriteStateAsync(State, id, state);

        Task write;
        await using (await HoldWritesAsync(storage))
        {
            state.State = new TestState { Value = "after" };
            var started = provider.GroupsStarted;
            write = provider.WriteStateAsync(State, id, state);
            await StartedAsync(provider, started, write);
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Assert.False(write.IsCompleted, "a write answered while its transaction could not commit");
            Assert.Equal("1", state.ETag);

            // A reader meanwhile sees the last commit, at once.
            var read = ReadAsync(provider, id);
            Assert.Same(read, await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2))));
            Assert.Equal(("before", "1"), ((await read).State?.Value, (await read).ETag));
        }

        await write;
        Assert.Equal("2", state.ETag);
        Assert.Equal(("after", "2"), ((await ReadAsync(provider, id)).State?.Value, (await ReadAsync(provider, id)).ETag));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AStaleWriteFailsAloneAndTheOtherWritesOfItsGroupCommit(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "stale_in_group");
        using var _ = host;
        var (stale, fresh, other) = (Id("stale"), Id("fresh"), Id("other"));
        var first = await ReadAsync(provider, stale);
        first.State = new TestState { Value = "a" };
        await provider.WriteStateAsync(State, stale, first);
        var second = await ReadAsync(provider, stale);
        second.State = new TestState { Value = "b" };
        await provider.WriteStateAsync(State, stale, second);

        Task blocker, staleWrite, blindWrite, freshWrite, otherWrite;
        long groupBefore;
        await using (await HoldWritesAsync(storage))
        {
            blocker = await BlockedWriteAsync(provider, Id("blocker"), "first");
            groupBefore = provider.GroupsStarted;
            first.State = new TestState { Value = "stale" };
            staleWrite = provider.WriteStateAsync(State, stale, first);
            // Never read: claims "never written" of a state that exists.
            blindWrite = provider.WriteStateAsync(State, stale, new GrainState<TestState>(new TestState { Value = "blind" }));
            freshWrite = Write(provider, fresh, "fresh");
            otherWrite = Write(provider, other, "other");
        }

        await blocker;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.Equal(("2", "1"), (conflict.StoredEtag, conflict.CurrentEtag));
        await Assert.ThrowsAsync<InconsistentStateException>(() => blindWrite);
        await Task.WhenAll(freshWrite, otherWrite);
        Assert.Equal(groupBefore + 1, provider.GroupsStarted);
        Assert.Equal("b", (await ReadAsync(provider, stale)).State?.Value);
        Assert.Equal("fresh", (await ReadAsync(provider, fresh)).State?.Value);
        Assert.Equal("other", (await ReadAsync(provider, other)).State?.Value);

        // The grain that lost reads again and writes on.
        var again = await ReadAsync(provider, stale);
        again.State = new TestState { Value = "c" };
        await provider.WriteStateAsync(State, stale, again);
        Assert.Equal("3", again.ETag);
    }

    /// <summary>
    /// A state written twice in one group (a reentrant grain, or a write sent again) is written in order: the second
    /// write, naming the version the first replaced, conflicts as it would one group later, and the first stands.
    /// </summary>
    [SkippableTheory]
    [BothDatabases]
    public async Task TwoWritesOfOneStateInOneGroupLandInOrderAndTheSecondConflicts(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "twice_in_group");
        using var _ = host;
        var (kept, fresh) = (Id("kept"), Id("fresh"));
        var stored = await ReadAsync(provider, kept);
        stored.State = new TestState { Value = "a" };
        await provider.WriteStateAsync(State, kept, stored);
        var copy = await ReadAsync(provider, kept);

        Task blocker, firstWrite, secondWrite, firstNew, secondNew;
        long groupBefore;
        await using (await HoldWritesAsync(storage))
        {
            blocker = await BlockedWriteAsync(provider, Id("blocker"), "first");
            groupBefore = provider.GroupsStarted;
            stored.State = new TestState { Value = "first" };
            firstWrite = provider.WriteStateAsync(State, kept, stored);
            copy.State = new TestState { Value = "second" };
            secondWrite = provider.WriteStateAsync(State, kept, copy);
            firstNew = Write(provider, fresh, "first new");
            secondNew = Write(provider, fresh, "second new");
        }

        await Task.WhenAll(blocker, firstWrite, firstNew);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => secondWrite);
        Assert.Equal(("2", "1"), (conflict.StoredEtag, conflict.CurrentEtag));
        var newConflict = await Assert.ThrowsAsync<InconsistentStateException>(() => secondNew);
        Assert.Equal("1", newConflict.StoredEtag);
        Assert.Equal(groupBefore + 1, provider.GroupsStarted);
        Assert.Equal(("first", "2"), ((await ReadAsync(provider, kept)).State?.Value, stored.ETag));
        Assert.Equal("first new", (await ReadAsync(provider, fresh)).State?.Value);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AFailedGroupFailsOnlyItsCallersAndLeavesTheirStateAsItWas(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "failed_group");
        using var _ = host;
        // A row the database refuses, as a corrupt payload or a full disk would make it.
        await TestDatabases.ExecuteAsync(storage, engine == Engine.PostgreSql
            ? """
              CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN IF NEW.grain_id LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON hot_grain_state FOR EACH ROW EXECUTE FUNCTION refuse_poison();
              """
            : """
              CREATE TRIGGER refuse_poison BEFORE INSERT ON hot_grain_state WHEN NEW.grain_id LIKE '%poison%'
              BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;
              """);

        var innocent = await ReadAsync(provider, Id("innocent"));
        Task blocker, poisoned, innocentWrite;
        await using (await HoldWritesAsync(storage))
        {
            blocker = await BlockedWriteAsync(provider, Id("blocker"), "first");
            poisoned = Write(provider, Id("poison"), "bad");
            innocent.State = new TestState { Value = "innocent" };
            innocentWrite = provider.WriteStateAsync(State, Id("innocent"), innocent);
        }

        // The group before commits; the poisoned group fails every caller in it, and the database keeps none of it.
        await blocker;
        await Assert.ThrowsAnyAsync<DbException>(() => poisoned);
        await Assert.ThrowsAnyAsync<DbException>(() => innocentWrite);
        Assert.Null(innocent.ETag);
        Assert.False((await ReadAsync(provider, Id("innocent"))).RecordExists);

        // The next group commits, the failed grain's retry included.
        await Task.WhenAll(provider.WriteStateAsync(State, Id("innocent"), innocent), Write(provider, Id("later"), "later"));
        Assert.Equal(("innocent", "1"), ((await ReadAsync(provider, Id("innocent"))).State?.Value, innocent.ETag));
        Assert.Equal("first", (await ReadAsync(provider, Id("blocker"))).State?.Value);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AWriteIsReadBackAndAClearedStateConflictsWithItsStaleWritersAndCanBeWrittenAgain(Engine engine)
    {
        var (host, _, provider) = await StartAsync(engine, "read_clear");
        using var _ = host;
        var id = Id("cleared");

        var state = await ReadAsync(provider, id);
        Assert.Equal(((string?)null, false), (state.ETag, state.RecordExists));
        state.State = new TestState { Value = "a" };
        await provider.WriteStateAsync(State, id, state);
        var read = await ReadAsync(provider, id);
        Assert.Equal(("a", "1", true), (read.State?.Value, read.ETag, read.RecordExists));

        await provider.ClearStateAsync(State, id, read);
        Assert.Equal(("2", false, (string?)null), (read.ETag, read.RecordExists, read.State?.Value));
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync(State, id, state));
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.ClearStateAsync(State, id, state));

        var afterClear = await ReadAsync(provider, id);
        Assert.Equal(((string?)null, "2", false), (afterClear.State?.Value, afterClear.ETag, afterClear.RecordExists));
        afterClear.State = new TestState { Value = "b" };
        await provider.WriteStateAsync(State, id, afterClear);
        Assert.Equal(("b", "3", true), ((await ReadAsync(provider, id)).State?.Value, afterClear.ETag, afterClear.RecordExists));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AStateStoredByTheDefaultProviderBeforeIsReadAndMovesOverOnItsFirstWrite(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "moved");
        using var _ = host;
        var earlier = host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var id = Id("moved");
        var old = new GrainState<TestState>(new TestState { Value = "stored before" });
        await earlier.WriteStateAsync(State, id, old);

        var state = await ReadAsync(provider, id);
        Assert.Equal(("stored before", true, (string?)null), (state.State?.Value, state.RecordExists, state.ETag));
        state.State = new TestState { Value = "moved" };
        await provider.WriteStateAsync(State, id, state);
        Assert.Equal(("moved", "1"), ((await ReadAsync(provider, id)).State?.Value, state.ETag));
        Assert.Equal(1, await TestDatabases.CountAsync(storage, $"SELECT count(*) FROM hot_grain_state WHERE state_name = '{State}'"));
    }

    /// <summary>A standalone silo on a new database, and its group-committing storage.</summary>
    internal static async Task<(IHost Host, StorageOptions Storage, GroupCommitGrainStorage Provider)> StartAsync(Engine engine, string name)
    {
        var storage = await TestDatabases.CreateAsync(engine, name);
        var host = await TestSilos.StartStandaloneAsync(storage, $"{name}-{Guid.NewGuid():N}");
        var provider = Assert.IsType<GroupCommitGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Selections));
        return (host, storage, provider);
    }

    internal static GrainId Id(string key) => GrainId.Create("dbtest", key);

    private static Task<GrainState<TestState>> ReadAsync(IGrainStorage provider, GrainId id) => ReadAsync<TestState>(provider, State, id);

    /// <summary>A fresh read of one grain's state, as its activation would make it.</summary>
    internal static async Task<GrainState<TState>> ReadAsync<TState>(IGrainStorage provider, string stateName, GrainId id)
        where TState : new()
    {
        var state = new GrainState<TState>(new TState());
        await provider.ReadStateAsync(stateName, id, state);
        return state;
    }

    private static Task Write(IGrainStorage provider, GrainId id, string value) =>
        provider.WriteStateAsync(State, id, new GrainState<TestState>(new TestState { Value = value }));

    /// <summary>A write whose group began while the table is held, so that it waits there and the next writes queue behind it.</summary>
    private static async Task<Task> BlockedWriteAsync(GroupCommitGrainStorage provider, GrainId id, string value)
    {
        var started = provider.GroupsStarted;
        var write = Write(provider, id, value);
        await StartedAsync(provider, started, write);
        return write;
    }

    /// <summary>Waits until the group carrying <paramref name="write"/> began (and, the table being held, waits there).</summary>
    private static async Task StartedAsync(GroupCommitGrainStorage provider, long startedBefore, Task write)
    {
        await Eventually.TrueAsync(() => Task.FromResult(provider.GroupsStarted > startedBefore || write.IsCompleted),
            TimeSpan.FromSeconds(5), "the group began");
        Assert.False(write.IsCompleted, "the write was answered while the table was held");
    }

    /// <summary>
    /// Keeps every writer of the table waiting until disposed, as a long transaction of another process would: a
    /// PostgreSQL table lock that still lets readers in, or SQLite's write lock (WAL readers go on).
    /// </summary>
    private static async Task<IAsyncDisposable> HoldWritesAsync(StorageOptions storage)
    {
        var connection = await TestDatabases.OpenAsync(storage);
        if (connection is SqliteConnection sqlite)
        {
            // BEGIN IMMEDIATE: the file's write lock, held until rollback.
            return new Held(connection, sqlite.BeginTransaction(deferred: false));
        }

        var transaction = await connection.BeginTransactionAsync();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "LOCK TABLE hot_grain_state IN EXCLUSIVE MODE";
            await command.ExecuteNonQueryAsync();
        }

        return new Held(connection, transaction);
    }

    private sealed class Held(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
