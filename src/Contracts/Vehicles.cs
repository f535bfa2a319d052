using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>A registered vehicle, keyed by VIN.</summary>
[Alias("PlateOrleans.IVehicleGrain")]
public interface IVehicleGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("Get")]
    Task<VehicleRecord?> GetAsync();

    /// <summary>Imports or updates the vehicle, moving it between owners when the owner changed.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(VehicleRecord vehicle);
}
