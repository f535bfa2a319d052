using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Offices;

/// <summary>The stored part of an office.</summary>
[GenerateSerializer, Alias("OfficeGrainState")]
public sealed class OfficeGrainState
{
    [Id(0)] public OfficeSettings? Settings { get; set; }
    [Id(1)] public PoolPublication Publication { get; set; } = PoolPublication.Empty;
}

/// <summary>An office: its settings and its pool publication. Validation happens before the grain is called.</summary>
public sealed class OfficeGrain(
    [PersistentState("office")] IPersistentState<OfficeGrainState> state) : Grain, IOfficeGrain
{
    private string Code => this.GetPrimaryKeyString();

    public Task<OfficeSnapshot?> GetAsync() => Task.FromResult(Snapshot());

    public async Task<OfficeSnapshot> PutAsync(OfficeSettings settings)
    {
        var prefixChanged = state.State.Settings is { } old && old.Prefix != settings.Prefix;
        state.State.Settings = settings;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IOfficeRegistryGrain>(0).AddAsync(Code);
        if (prefixChanged)
        {
            await GrainFactory.GetGrain<IPlatePoolGrain>(Code).PublishAsync(settings.Prefix, state.State.Publication);
        }

        return Snapshot()!;
    }

    public async Task<Outcome<OfficeSnapshot>> PublishPoolAsync(PoolPublication publication)
    {
        if (state.State.Settings is not { } settings)
        {
            return PlateError.NotFound($"车管所 {Code} 不存在。");
        }

        state.State.Publication = publication;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPlatePoolGrain>(Code).PublishAsync(settings.Prefix, publication);
        return Snapshot()!;
    }

    private OfficeSnapshot? Snapshot() => state.State.Settings is { } settings
        ? new OfficeSnapshot(Code, settings, BusinessNotices.For(settings), state.State.Publication)
        : null;
}

/// <summary>The stored list of office codes.</summary>
[GenerateSerializer, Alias("OfficeRegistryState")]
public sealed class OfficeRegistryState
{
    [Id(0)] public SortedSet<string> Codes { get; set; } = [];
}

/// <summary>Which offices exist, so that they can be listed.</summary>
public sealed class OfficeRegistryGrain(
    [PersistentState("officeRegistry")] IPersistentState<OfficeRegistryState> state) : Grain, IOfficeRegistryGrain
{
    public async Task AddAsync(string officeCode)
    {
        if (state.State.Codes.Add(officeCode))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetCodesAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Codes]);
}
