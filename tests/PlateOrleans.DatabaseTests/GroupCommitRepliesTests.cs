using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using PlateOrleans.Contracts;
using PlateOrleans.Grains;
using PlateOrleans.Grains.Selection;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// The answers a selection keeps for replay, on both databases: the group-committing storage keeps them in rows of
/// their own beside the state, written with it or not at all, and puts them back on a read.
/// </summary>
public sealed class GroupCommitRepliesTests
{
    private const string State = "dbtest-replies";

    [SkippableTheory]
    [BothDatabases]
    public async Task RepliesAreStoredApartFromTheStateAndComeBackOnReadUntilForgottenOrCleared(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "replies_apart");
        using var _ = host;
        var id = Id("apart");
        var state = await ReadAsync(provider, id);
        state.State!.Stage = SelectionStage.Drawing;
        state.State!.Replies.Add(Reply("key-one-1111", 1));
        await provider.WriteStateAsync(State, id, state);
        state.State!.Replies.Add(Reply("key-two-2222", 2));
        await provider.WriteStateAsync(State, id, state);

        Assert.Equal(2, await RowsAsync(storage, id));
        var payload = await TestDatabases.ScalarAsync<byte[]>(storage, $"SELECT payload FROM hot_grain_state WHERE grain_id = '{id}'");
        Assert.DoesNotContain("key-one-1111", Encoding.ASCII.GetString(payload), StringComparison.Ordinal);
        var read = await ReadAsync(provider, id);
        Assert.Equal(SelectionStage.Drawing, read.State!.Stage);
        AssertSame(state.State!.Replies, read.State!.Replies);

        // Forgotten by the state (too old, too many): gone from the store with the write that forgets it.
        read.State!.Replies.RemoveAt(0);
        read.State!.Replies.Add(Reply("key-three-33", 3));
        await provider.WriteStateAsync(State, id, read);
        Assert.Equal(2, await RowsAsync(storage, id));
        AssertSame(read.State!.Replies, (await ReadAsync(provider, id)).State!.Replies);

        await provider.ClearStateAsync(State, id, read);
        Assert.Equal(0, await RowsAsync(storage, id));
        Assert.Empty((await ReadAsync(provider, id)).State!.Replies);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task WritesCommittedTogetherForgetOnlyTheRepliesEachOfThemForgets(Engine engine)
    {
        // Sent at once, the writes share groups: some of them forget a reply, the others only add one (on PostgreSQL a
        // group with nothing to forget is written by a statement without the deletion), and each state ends as written.
        var (host, storage, provider) = await StartAsync(engine, "replies_mixed");
        using var _ = host;
        var ids = Enumerable.Range(0, 16).Select(i => Id($"mixed-{i}")).ToArray();
        var states = new List<GrainState<SelectionState>>();
        foreach (var id in ids)
        {
            var state = await ReadAsync(provider, id);
            state.State!.Replies.AddRange([Reply($"{id}-a", 1), Reply($"{id}-b", 2)]);
            await provider.WriteStateAsync(State, id, state);
            states.Add(state);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            if (i % 2 == 0)
            {
                states[i].State!.Replies.RemoveAt(0);
            }

            states[i].State!.Replies.Add(Reply($"{ids[i]}-c", 3));
        }

        await Task.WhenAll(ids.Select((id, i) => provider.WriteStateAsync(State, id, states[i])));

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 2 : 3, await RowsAsync(storage, ids[i]));
            AssertSame(states[i].State!.Replies, (await ReadAsync(provider, ids[i])).State!.Replies);
        }
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AStaleWriteKeepsNoneOfItsRepliesAndForgetsNoneOfTheStoredOnes(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "replies_stale");
        using var _ = host;
        var id = Id("stale");
        var first = await ReadAsync(provider, id);
        first.State!.Replies.Add(Reply("kept-by-first", 1));
        await provider.WriteStateAsync(State, id, first);
        var stale = await ReadAsync(provider, id);
        first.State!.Replies.Add(Reply("second-of-first", 2));
        await provider.WriteStateAsync(State, id, first);

        stale.State!.Replies.Clear();
        stale.State!.Replies.Add(Reply("of-the-stale-one", 3));
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync(State, id, stale));

        Assert.Equal(2, await RowsAsync(storage, id));
        AssertSame(first.State!.Replies, (await ReadAsync(provider, id)).State!.Replies);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task RepliesInAStateWrittenBeforeTheyWereKeptApartAreReadAndMovedToRowsOnTheNextWrite(Engine engine)
    {
        var (host, storage, provider) = await StartAsync(engine, "replies_moved");
        using var _ = host;
        var id = Id("earlier");
        var earlier = new SelectionState { Stage = SelectionStage.Drawing, Replies = [Reply("in-the-payload", 1)] };
        var bytes = Convert.ToHexString(host.Services.GetRequiredService<Serializer>().SerializeToArray(earlier));
        var literal = engine == Engine.PostgreSql ? $"decode('{bytes}', 'hex')" : $"X'{bytes}'";
        var modified = engine == Engine.PostgreSql ? "now()" : "'2026-01-01T00:00:00Z'";
        var serviceId = await TestDatabases.ScalarAsync<string>(storage, "SELECT DISTINCT service_id FROM hot_grain_state LIMIT 1");
        await TestDatabases.ExecuteAsync(storage, $"""
            INSERT INTO hot_grain_state (service_id, state_name, grain_id, payload, version, modified_at)
            VALUES ('{serviceId}', '{State}', '{id}', {literal}, 1, {modified})
            """);

        var read = await ReadAsync(provider, id);
        AssertSame(earlier.Replies, read.State!.Replies);
        Assert.Equal(0, await RowsAsync(storage, id));

        read.State!.Replies.Add(Reply("after-the-move", 2));
        await provider.WriteStateAsync(State, id, read);
        Assert.Equal(2, await RowsAsync(storage, id));
        AssertSame(read.State!.Replies, (await ReadAsync(provider, id)).State!.Replies);
    }

    private static IdempotentReply Reply(string key, int minute) =>
        new(key, new SelectionCommand.Draw(ExcludeFour: false), Encoding.UTF8.GetBytes($"answer to {key}"), new DateTimeOffset(2026, 12, 3, 8, minute, 0, TimeSpan.Zero));

    private static void AssertSame(List<IdempotentReply> expected, List<IdempotentReply> actual) =>
        Assert.Equal(
            expected.Select(r => (r.Key, r.Command, Convert.ToHexString(r.Reply), r.StoredAt)),
            actual.Select(r => (r.Key, r.Command, Convert.ToHexString(r.Reply), r.StoredAt)));

    private static Task<long> RowsAsync(StorageOptions storage, GrainId id) =>
        TestDatabases.CountAsync(storage, $"SELECT count(*) FROM hot_grain_replies WHERE state_name = '{State}' AND grain_id = '{id}'");

    private static async Task<(IHost Host, StorageOptions Storage, GroupCommitGrainStorage Provider)> StartAsync(Engine engine, string name)
    {
        var started = await GroupCommitStorageTests.StartAsync(engine, name);
        // A first write, so that the table names the silo's service.
        await started.Provider.WriteStateAsync(State, Id("first"), new GrainState<SelectionState>(new SelectionState()));
        return started;
    }

    private static GrainId Id(string key) => GroupCommitStorageTests.Id(key);

    private static Task<GrainState<SelectionState>> ReadAsync(IGrainStorage provider, GrainId id) =>
        GroupCommitStorageTests.ReadAsync<SelectionState>(provider, State, id);
}
