using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

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
/// Before this provider, selections were kept by the default provider in <c>orleans_grain_state</c>. A state not yet in
/// this provider's table is read from there (<paramref name="earlier"/>) as if never written here: its first write
/// moves it over, and the earlier row is left as it was.
/// </remarks>
public sealed class GroupCommitGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly string _name;
    private readonly GroupCommitStore _store;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly IGrainStorage? _earlier;

    internal GroupCommitGrainStorage(
        string name, GroupCommitStore store, IGrainStorageSerializer serializer, IActivatorProvider activators, IGrainStorage? earlier)
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
            new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()),
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
        grainState.State = stored?.Payload is { } payload ? _serializer.Deserialize<T>(new BinaryData(payload)) : CreateInstance<T>();
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        grainState.ETag = await CommitAsync(stateName, grainId, payload, grainState.ETag);
        grainState.RecordExists = true;
    }

    /// <summary>Keeps the row with no payload and a new version, so that a writer holding an older version still conflicts.</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = await CommitAsync(stateName, grainId, null, grainState.ETag);
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Stops after the grains deactivated (stages stop in reverse order): their last writes are committed first.
        lifecycle.Subscribe($"{nameof(GroupCommitGrainStorage)}-{_name}", ServiceLifecycleStage.ApplicationServices,
            _ => Task.CompletedTask, async _ => await _store.DisposeAsync());

    public void Dispose() => _store.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<string> CommitAsync(string stateName, GrainId grainId, byte[]? payload, string? etag)
    {
        int? expected = null;
        if (etag is not null)
        {
            expected = int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                ? version
                : throw Inconsistent(stateName, grainId, stored: null, etag);
        }

        var outcome = await _store.WriteAsync(new StateWrite(stateName, grainId.ToString(), payload, expected));
        return outcome.NewVersion is { } written
            ? written.ToString(CultureInfo.InvariantCulture)
            : throw Inconsistent(stateName, grainId, outcome.StoredVersion?.ToString(CultureInfo.InvariantCulture), etag);
    }

    private InconsistentStateException Inconsistent(string stateName, GrainId grainId, string? stored, string? etag) =>
        new($"Version conflict writing state '{stateName}' of {grainId} to storage '{_name}': stored version {stored ?? "none"}, the grain's {etag ?? "none"}.",
            stored, etag);

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
