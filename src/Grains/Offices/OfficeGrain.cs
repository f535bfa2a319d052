using Microsoft.Extensions.Logging;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Offices;

/// <summary>The stored part of an office.</summary>
[GenerateSerializer, Alias("OfficeGrainState")]
public sealed class OfficeGrainState
{
    [Id(0)] public OfficeSettings? Settings { get; set; }
    [Id(1)] public PoolPublication Publication { get; set; } = PoolPublication.Empty;
}

/// <summary>
/// An office: its settings and its pool publication. Validation happens before the grain is called. The selections
/// of the office keep a copy (they check it on every step); each change is pushed to them before it is answered, so
/// that maintenance or new hours act on their very next step.
/// </summary>
public sealed class OfficeGrain(
    [PersistentState("office")] IPersistentState<OfficeGrainState> state,
    ILogger<OfficeGrain> logger) : Grain, IOfficeGrain
{
    /// <summary>The selections that keep a copy. Not stored: after a move to another silo they fetch it again within <c>SelectionSteps.KeptFor</c>.</summary>
    private readonly HashSet<GrainId> _watchers = [];

    private string Code => this.GetPrimaryKeyString();

    public Task<OfficeSnapshot?> GetAsync() => Task.FromResult(Snapshot());

    public Task<OfficeSnapshot?> WatchAsync(GrainId watcher)
    {
        _watchers.Add(watcher);
        return Task.FromResult(Snapshot());
    }

    public Task UnwatchAsync(GrainId watcher)
    {
        _watchers.Remove(watcher);
        return Task.CompletedTask;
    }

    public async Task<OfficeSnapshot> PutAsync(OfficeSettings settings)
    {
        var prefixChanged = state.State.Settings is { } old && old.Prefix != settings.Prefix;
        state.State.Settings = settings;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IOfficeRegistryGrain>(0).AddAsync(Code);
        if (prefixChanged)
        {
            await GrainFactory.Get<IPlatePoolGrain>(Code).PublishAsync(settings.Prefix, state.State.Publication);
        }

        return await PushAsync();
    }

    public async Task<Outcome<OfficeSnapshot>> PublishPoolAsync(PoolPublication publication)
    {
        if (state.State.Settings is not { } settings)
        {
            return PlateError.NotFound($"车管所 {Code} 不存在。");
        }

        state.State.Publication = publication;
        await state.WriteStateAsync();
        await GrainFactory.Get<IPlatePoolGrain>(Code).PublishAsync(settings.Prefix, publication);
        return await PushAsync();
    }

    /// <summary>Gives the new snapshot to every watching selection; one that cannot be reached fetches it again in time.</summary>
    private async Task<OfficeSnapshot> PushAsync()
    {
        var snapshot = Snapshot()!;
        var failed = 0;
        await Task.WhenAll(_watchers.ToArray().Select(async watcher =>
        {
            try
            {
                await GrainFactory.GetGrain<ISelectionFlow>(watcher).OfficeChangedAsync(snapshot);
            }
            catch (Exception)
            {
                _watchers.Remove(watcher);
                failed++;
            }
        }));
        if (failed > 0)
        {
            logger.LogWarning("Office {Office} changed; {Failed} of its selections could not be told and will fetch it again", Code, failed);
        }

        return snapshot;
    }

    private OfficeSnapshot? Snapshot() => state.State.Settings is { } settings
        ? new OfficeSnapshot(Code, settings, BusinessNotices.For(settings), state.State.Publication)
        : null;
}
