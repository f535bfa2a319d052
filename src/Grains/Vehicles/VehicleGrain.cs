using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Vehicles;

/// <summary>The stored vehicle, null until imported.</summary>
[GenerateSerializer, Alias("VehicleGrainState")]
public sealed class VehicleGrainState
{
    [Id(0)] public VehicleRecord? Vehicle { get; set; }
}

/// <summary>A registered vehicle, as its office imported it.</summary>
public sealed class VehicleGrain(
    [PersistentState("vehicle")] IPersistentState<VehicleGrainState> state) : Grain, IVehicleGrain
{
    public Task<VehicleRecord?> GetAsync() => Task.FromResult(state.State.Vehicle);

    public async Task UpsertAsync(VehicleRecord vehicle)
    {
        var previous = state.State.Vehicle;
        if (previous == vehicle)
        {
            return;
        }

        // The new owner learns of the vehicle before the record says so, so no moment leaves it without an owner.
        await GrainFactory.Get<IOwnerGrain>(vehicle.OwnerIdNumber).AddVinAsync(vehicle.Vin);
        state.State.Vehicle = vehicle;
        await state.WriteStateAsync();
        if (previous is not null && previous.OwnerIdNumber != vehicle.OwnerIdNumber)
        {
            await GrainFactory.Get<IOwnerGrain>(previous.OwnerIdNumber).RemoveVinAsync(vehicle.Vin);
        }

        if (previous is not null && (previous.OwnerIdNumber != vehicle.OwnerIdNumber || previous.OwnerPhone != vehicle.OwnerPhone))
        {
            await GrainFactory.Get<ISelectionSessionGrain>(vehicle.Vin).VehicleChangedAsync(vehicle);
        }
    }
}
