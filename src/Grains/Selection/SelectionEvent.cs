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

    /// <summary>The plate was exchanged at the window by an operator.</summary>
    public sealed record Exchanged(DateTimeOffset At, string Plate, string Operator) : SelectionEvent(At);

    /// <summary>
    /// The exchange deadline passed: the number went back to the pool and the applicant, the person of
    /// <paramref name="ApplicantIdNumber"/>, is blacklisted until <paramref name="BlacklistedUntil"/>.
    /// </summary>
    public sealed record Lapsed(DateTimeOffset At, string Plate, string ApplicantIdNumber, string? Username, DateTimeOffset BlacklistedUntil, string? Phone) : SelectionEvent(At);

    /// <summary>An appointment was booked (<paramref name="Previous"/> null), moved, or cancelled (<paramref name="Current"/> null).</summary>
    public sealed record AppointmentChanged(DateTimeOffset At, string Plate, AppointmentView? Current, AppointmentView? Previous, string? Phone) : SelectionEvent(At);

    /// <summary>The day before the exchange deadline: the applicant is reminded, once.</summary>
    public sealed record DeadlineNear(DateTimeOffset At, SelectedView Selected, string? Phone) : SelectionEvent(At);
}
