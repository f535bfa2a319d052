using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// What every rule of a selection shares: the state it reads and changes, the clock, the <see cref="SelectionMode"/>,
/// and what a step leaves behind (whether the state changed, so it must be kept; the events the outside must hear of).
/// The rules (<see cref="EntryRules"/>, <see cref="SmsVerificationRules"/>, <see cref="DrawingRules"/>,
/// <see cref="AutoConfirmRules"/>, <see cref="CompletionRules"/>, <see cref="AppointmentRules"/>) each take this one.
/// </summary>
public sealed class SelectionContext(SelectionState state, TimeProvider time, SelectionMode mode)
{
    private readonly List<SelectionEvent> _events = [];

    public SelectionState State => state;

    public SelectionMode Mode => mode;

    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>Whether a step changed the state since the last <see cref="TakeEvents"/> (so it must be saved).</summary>
    public bool Changed { get; private set; }

    /// <summary>Says that the step changes the state (called before it does).</summary>
    public void MarkChanged() => Changed = true;

    /// <summary>Something the outside must hear of (a text to send, a line of the audit trail, a counter).</summary>
    public void Record(SelectionEvent selectionEvent) => _events.Add(selectionEvent);

    /// <summary>The events recorded since the last call; the state counts as kept from here on.</summary>
    public IReadOnlyList<SelectionEvent> TakeEvents()
    {
        var events = _events.ToArray();
        _events.Clear();
        Changed = false;
        return events;
    }

    /// <summary>The Selection view at this moment: lapsed batches and backups read as null.</summary>
    public SelectionView View()
    {
        var now = Now;
        var batch = state.Batch is { } b && b.ExpiresAt > now && state.Selected is null
            ? new BatchView(b.Number, b.Plates, b.ExcludeFour, b.ExpiresAt, b.BackupTaken)
            : null;
        var backups = state.Backups.Count > 0 && state.BackupsExpireAt is { } until && until > now && state.Selected is null
            ? new BackupsView([.. state.Backups], until)
            : null;
        return new SelectionView(
            state.Vin,
            state.OfficeCode,
            mode.IsPractice,
            state.Stage ?? SelectionStage.ConfirmInfo,
            state.Rules.DrawsPerVehicle,
            Math.Max(0, state.RemainingDraws),
            batch,
            backups,
            state.Selected,
            now)
        {
            AutoConfirmAt = state.PendingAutoConfirm,
        };
    }

    public PlateError WrongStage(string detail) => PlateError.WrongStage(state.Stage ?? SelectionStage.ConfirmInfo, detail);

    /// <summary>The draws are spent: entering again or drawing again is refused, and the auto-confirm will act.</summary>
    public PlateError DrawsExhausted() =>
        new(ErrorCodes.DrawsExhausted, "随机选号次数已用完，系统将自动确认最后一批随机号牌中的第一个号牌。") { AutoConfirmAt = state.AutoConfirmAt };
}
