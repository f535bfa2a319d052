using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// A practice run (模拟选号) for one user and vehicle, keyed <c>VIN|username</c>: the same rules on a private synthetic
/// pool; no SMS, nothing held in the real pool, nothing stored (the state lives as long as the activation).
/// </summary>
public sealed class SimulationSessionGrain(TimeProvider time) : SelectionGrainBase(time), ISimulationSessionGrain
{
    private readonly SelectionState _state = new();

    protected override SelectionState State => _state;

    protected override bool IsSimulation => true;

    protected override string Vin => this.GetPrimaryKeyString().Split('|')[0];

    protected override IPlateSource CreatePlateSource(OfficeSnapshot office) =>
        new SyntheticPlateSource(office.Settings.Prefix, office.Publication, new CryptoRandomSource());

    protected override Task PersistAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp) => Task.CompletedTask;
}
