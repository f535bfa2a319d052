using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Grain storage for state written on every step (<see cref="Grains.StorageNames.Selections"/>): writes and clears of
/// many grains are queued and committed together, one transaction per group, and each grain's
/// <c>WriteStateAsync</c> completes only once its group committed. Orleans' ETag rules hold per grain: the ETag is the
/// stored version, a write naming another version fails with <see cref="InconsistentStateException"/> (alone: the rest
/// of its group commits). Reads go straight to the database. States are serialized with Orleans' serializer, as the
/// default provider's are.
/// </summary>
/// <remarks>
/// A state that keeps answers for replay (<see cref="IKeepsReplies"/>) is serialized without them: they go in rows of
/// their own beside it, only the new ones with each write, in the same transaction (a state row of a few hundred bytes
/// and one reply row per step, instead of the whole ~6 KB state rewritten each time). A read puts them back. The
/// provider remembers, per state object, which replies the store holds, to send only the differences.
///
/// Before this provider, selections were kept by the default provider in <c>orleans_grain_state</c>. A state not yet in
/// this provider's table is read from there (<paramref name="earlier"/>) as if never written here: its first write
/// moves it over, and the earlier row is left as it was.
/// </remarks>
public sealed class GroupCommitGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly string _name;
    private readonly GroupCommitStore _store;
    /// <summary>Orleans' own serializer, as its <see cref="OrleansGrainStorageSerializer"/> uses it, but into one array of the
    /// exact size from a pooled buffer (that one grows a fresh buffer and copies it out: four arrays for a ~700-byte state).</summary>
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly IGrainStorage? _earlier;

    /// <summary>Per state object read or written here: the replies the store holds for it, by key.</summary>
    private readonly ConditionalWeakTable<IKeepsReplies, Dictionary<string, DateTimeOffset>> _storedReplies = new();

    internal GroupCommitGrainStorage(
        string name, GroupCommitStore store, Serializer serializer, IActivatorProvider activators, IGrainStorage? earlier)
    {
        _name = name;
        _store = store;
        _serializer = serializer;
        _activators = activators;
        _earlier = earlier;
    }

    /// <summary>Groups whose transaction began (committed or not).</summary>
    public long GroupsStarted => _store.GroupsStarted;

    /// <summary>Groups whose transaction committed: with many grains writing at once, far fewer than the writes.</summary>
    public long GroupsCommitted => _store.GroupsCommitted;

    /// <summary>Writes and clears answered by a committed group (conflicts included).</summary>
    public long WritesCommitted => _store.WritesCommitted;

    /// <summary>The provider on the configured database, falling back to the default provider for states stored before it.</summary>
    internal static GroupCommitGrainStorage Create(IServiceProvider services, string name, StorageOptions options)
    {
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        return new GroupCommitGrainStorage(
            name,
            GroupCommitStore.Create(options, serviceId),
            services.GetRequiredService<Serializer>(),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await _store.ReadAsync(stateName, grainId.ToString());
        if (stored is null && _earlier is not null)
        {
            await _earlier.ReadStateAsync(stateName, grainId, grainState);
            // Not in this table yet: the first write here inserts.
            grainState.ETag = null;
            return;
        }

        grainState.ETag = stored?.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = stored?.Payload is not null;
        grainState.State = stored?.Payload is { } payload ? _serializer.Deserialize<T>(payload) : CreateInstance<T>();
        if (grainState.State is IKeepsReplies keeps && stored is not null)
        {
            PutBackReplies(keeps, stored.Replies);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var expected = Expected(stateName, grainId, grainState.ETag);
        var keeps = grainState.State as IKeepsReplies;
        var write = keeps is null
            ? new StateWrite(stateName, grainId.ToString(), _serializer.SerializeToArray(grainState.State), expected)
            : WithRepliesApart(stateName, grainId, grainState.State, keeps, expected);
        grainState.ETag = await CommitAsync(write, grainId, grainState.ETag);
        grainState.RecordExists = true;
        if (keeps is not null)
        {
            _storedReplies.AddOrUpdate(keeps, keeps.Replies.ToDictionary(r => r.Key, r => r.StoredAt));
        }
    }

    /// <summary>Keeps the row with no payload and a new version, so that a writer holding an older version still conflicts.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = await CommitAsync(new StateWrite(stateName, grainId.ToString(), null, Expected(stateName, grainId, grainState.ETag)), grainId, grainState.ETag);
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Stops after the grains deactivated (stages stop in reverse order): their last writes are committed first.
        lifecycle.Subscribe($"{nameof(GroupCommitGrainStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices,
            _ => Task.CompletedTask, async _ => await _store.DisposeAsync());

    public void Dispose() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The version an ETag names (null: "never written"); an ETag this provider never gave conflicts.</summary>
    private int? Expected(string stateName, GrainId grainId, string? etag) =>
        etag is null ? null
        : int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : throw Inconsistent(stateName, grainId, stored: null, etag);

    private async Task<string> CommitAsync(StateWrite write, GrainId grainId, string? etag)
    {
        var outcome = await _store.WriteAsync(write);
        return outcome.NewVersion is { } written
            ? written.ToString(CultureInfo.InvariantCulture)
            : throw Inconsistent(write.StateName, grainId, outcome.StoredVersion?.ToString(CultureInfo.InvariantCulture), etag);
    }

    /// <summary>
    /// The state serialized without its replies, with the replies the store lacks (or holds older) to add and those it no
    /// longer needs to drop.
    /// </summary>
    private StateWrite WithRepliesApart<T>(string stateName, GrainId grainId, T state, IKeepsReplies keeps, int? expected)
    {
        var replies = keeps.Replies;
        byte[] payload;
        keeps.Replies = [];
        try
        {
            payload = _serializer.SerializeToArray(state);
        }
        finally
        {
            keeps.Replies = replies;
        }

        var stored = _storedReplies.TryGetValue(keeps, out var held) ? held : [];
        var added = new List<KeptReply>(1);
        foreach (var reply in replies)
        {
            if (!stored.TryGetValue(reply.Key, out var at) || at != reply.StoredAt)
            {
                added.Add(new KeptReply(reply.Key, _serializer.SerializeToArray(reply)));
            }
        }

        // A stored key can be gone only if the store held more than the replies kept less the new ones (keys are unique):
        // usually not, since a reply is forgotten only when a day old or the 65th.
        var dropped = stored.Count + added.Count > replies.Count
            ? stored.Keys.Except(replies.Select(r => r.Key), StringComparer.Ordinal).ToList()
            : [];
        return new StateWrite(stateName, grainId.ToString(), payload, expected) { AddedReplies = added, DroppedReplies = dropped };
    }

    /// <summary>
    /// The replies read from their rows, merged with any the payload still carries (a state written before replies were
    /// kept apart: its next write moves them to rows), newest last; remembered as what the store holds.
    /// </summary>
    private void PutBackReplies(IKeepsReplies keeps, IReadOnlyList<byte[]> rows)
    {
        var apart = rows.Select(row => _serializer.Deserialize<IdempotentReply>(row)!).ToList();
        var held = apart.ToDictionary(r => r.Key, r => r.StoredAt);
        keeps.Replies = [.. keeps.Replies.Where(r => !held.ContainsKey(r.Key)).Concat(apart).OrderBy(r => r.StoredAt)];
        _storedReplies.AddOrUpdate(keeps, held);
    }

    private InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? stored, string? etag) =>
        new($"Version conflict writing state '{stateName}' of {grainId} to storage '{_name}': stored version {stored ?? "none"}, the grain's {etag ?? "none"}.",
            stored, etag);

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
