using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// Practice or the real thing, the one object a selection's steps are given: what the rules treat differently
/// (<see cref="Mode"/>), where the numbers come from, and what is kept. <see cref="FormalSelection"/> and
/// <see cref="PracticeSelection"/> are the two.
/// </summary>
public interface ISelectionKind
{
    SelectionMode Mode { get; }

    /// <summary>Where the selection's numbers come from, once its office is known.</summary>
    IPlateSource NumbersFor(OfficeSnapshot office);

    /// <summary>
    /// Keeps what a step changed and delivers what it did (SMS, audit); a practice run keeps nothing.
    /// <paramref name="nextWakeUp"/> is when something must next happen by itself.
    /// </summary>
    Task KeepAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp);
}
