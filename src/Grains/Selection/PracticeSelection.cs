using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// A practice run: the office's hours and the blacklist do not apply, no SMS is sent, numbers come from a private
/// synthetic pool (never held, reserved or counted in the real one), and nothing is kept beyond the activation.
/// </summary>
public sealed class PracticeSelection : ISelectionKind
{
    public static PracticeSelection Instance { get; } = new();

    public SelectionMode Mode => SelectionMode.Practice;

    public IPlateSource NumbersFor(OfficeSnapshot office) =>
        new SyntheticPlateSource(office.Settings.Prefix, office.Publication, new CryptoRandomSource());

    public Task KeepAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp) => Task.CompletedTask;
}
