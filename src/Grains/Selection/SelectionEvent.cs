using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// Something a selection step did that the world outside the state must hear of: a code to text, a draw or
/// confirmation for the audit trail. The rules record them; the grain delivers them.
/// </summary>
public abstract record SelectionEvent(DateTimeOffset At)
{
    public sealed record CodeSent(DateTimeOffset At, string Phone, string Code) : SelectionEvent(At);

    public sealed record Drew(DateTimeOffset At, int Batch, IReadOnlyList<string> Plates, bool ExcludeFour) : SelectionEvent(At);

    public sealed record BackedUp(DateTimeOffset At, string Plate) : SelectionEvent(At);

    public sealed record Confirmed(DateTimeOffset At, SelectedView Selected, string? Phone) : SelectionEvent(At);
}
