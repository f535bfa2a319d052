using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// A practice run (模拟选号) for one user and vehicle, keyed <c>VIN|username</c>: the same steps as a formal selection,
/// as a <see cref="PracticeSelection"/> (a private synthetic pool, no SMS, nothing stored: the state lives as long as the
/// activation).
/// </summary>
public sealed class SimulationSessionGrain(TimeProvider time) : Grain, ISimulationSessionGrain
{
    private SelectionSteps _steps = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var vin = this.GetPrimaryKeyString().Split('|')[0];
        _steps = new SelectionSteps(this, vin, new SelectionState(), PracticeSelection.Instance, time);
        return Task.CompletedTask;
    }

    public Task<SelectionReply> ExecuteAsync(Caller caller, SelectionCommand command, string? idempotencyKey) =>
        _steps.ExecuteAsync(caller, command, idempotencyKey);

    public Task<SelectionReply> ReadAsync(Caller caller) => _steps.ReadAsync(caller);

    public Task OfficeChangedAsync(OfficeSnapshot office) => _steps.OfficeChangedAsync(office);

    public Task BlacklistChangedAsync(string idNumber, DateTimeOffset? blacklistedUntil) =>
        _steps.BlacklistChangedAsync(idNumber, blacklistedUntil);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _steps.Deactivating(reason);
        return Task.CompletedTask;
    }
}
