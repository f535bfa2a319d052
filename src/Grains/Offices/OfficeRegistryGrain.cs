using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Offices;

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
