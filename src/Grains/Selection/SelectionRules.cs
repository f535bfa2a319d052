using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>What entering a selection needs to know about the world.</summary>
/// <param name="BlacklistedUntil">The end of the applicant's (the person's) blacklist, if one ran.</param>
public sealed record EntryFacts(OfficeSnapshot? Office, VehicleRecord? Vehicle, AccountRecord Applicant, DateTimeOffset? BlacklistedUntil);

/// <summary>
/// The selection flow of the seed document as plain rules over one <see cref="SelectionState"/>, one class per rule:
/// <see cref="Entry"/> (entering, the gates, the blacklist, phase 1), <see cref="Sms"/> (identity verification),
/// <see cref="Drawing"/> (batches, backups and their countdowns), <see cref="AutoConfirm"/>, <see cref="Completion"/>
/// (confirmation, the ledger, exchange and lapse) and <see cref="Appointment"/> (the exchange appointment and the
/// reminder before the deadline). Every countdown is read from the injected clock and evaluated when asked, so a lapsed
/// batch reads as gone and a moment that passed is acted on at the next call (<see cref="CatchUpAsync"/>).
/// Steps return a reply (a view or the rule broken); what the outside must hear of is left in <see cref="TakeEvents"/>.
/// </summary>
public sealed class SelectionRules
{
    private readonly SelectionContext _selection;

    public SelectionRules(SelectionState state, IPlateSource plates, TimeProvider time, SelectionMode mode, IRandomSource random)
    {
        _selection = new SelectionContext(state, time, mode);
        Entry = new EntryRules(_selection);
        Sms = new SmsVerificationRules(_selection, random);
        Completion = new CompletionRules(_selection, plates, random);
        AutoConfirm = new AutoConfirmRules(_selection, plates, Completion);
        Drawing = new DrawingRules(_selection, plates, AutoConfirm);
        Appointment = new AppointmentRules(_selection);
    }

    public EntryRules Entry { get; }

    public SmsVerificationRules Sms { get; }

    public DrawingRules Drawing { get; }

    public AutoConfirmRules AutoConfirm { get; }

    public CompletionRules Completion { get; }

    public AppointmentRules Appointment { get; }

    public SelectionState State => _selection.State;

    public SelectionMode Mode => _selection.Mode;

    /// <summary>Whether a step changed the state since the last <see cref="TakeEvents"/> (so it must be saved).</summary>
    public bool Changed => _selection.Changed;

    /// <summary>The events recorded since the last call.</summary>
    public IReadOnlyList<SelectionEvent> TakeEvents() => _selection.TakeEvents();

    /// <summary>The Selection view at this moment.</summary>
    public SelectionView View() => _selection.View();

    /// <summary>
    /// When something must happen without a caller: the auto-confirm; or, once confirmed, the first of an interrupted
    /// appointment change to finish, the reminder of the deadline, and the exchange deadline.
    /// </summary>
    public DateTimeOffset? NextWakeUp =>
        State.PendingAutoConfirm ?? Earliest(Appointment.RepairAt, Appointment.DeadlineReminderAt, State.ExchangeDeadline);

    /// <summary>
    /// Does what time made due, first to last in the life of a selection: the lapse after the exchange deadline, the
    /// reminder before it, the auto-confirm. Answers whether the state changed, or the error that kept it from finishing
    /// (the ledger did not answer).
    /// </summary>
    public async Task<CatchUp> CatchUpAsync()
    {
        if (await Completion.LapseIfDueAsync())
        {
            return CatchUp.Done;
        }

        return Appointment.RemindIfDue() ? CatchUp.Done : await AutoConfirm.ConfirmIfDueAsync();
    }

    private static DateTimeOffset? Earliest(params DateTimeOffset?[] moments) =>
        moments.Where(m => m.HasValue).Min();
}

/// <summary>What <see cref="SelectionRules.CatchUpAsync"/> did: whether the state changed, or what kept it from acting.</summary>
public readonly record struct CatchUp(bool Changed, PlateError? Error)
{
    public static CatchUp Nothing => new(false, null);

    public static CatchUp Done => new(true, null);
}
