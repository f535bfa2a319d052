using Microsoft.Extensions.Logging;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// The real thing: every gate applies, numbers come from the office's pool, and what a step changed is stored before
/// the answer goes out, with its audit trail, its messages and a durable reminder for what must happen by itself.
/// </summary>
public sealed class FormalSelection(
    IGrainBase grain,
    string vin,
    IPersistentState<SelectionState> state,
    IGrainFactory grains,
    IAuditTrail audit,
    ISmsSender sms,
    SelectionMetrics metrics,
    TimeProvider time,
    ILogger logger) : ISelectionKind
{
    public const string WakeUpReminder = "wake-up";

    /// <summary>Reminders are periodic; the period only matters when a tick finds the work still not done (the ledger down).</summary>
    private static readonly TimeSpan _reminderPeriod = TimeSpan.FromMinutes(1);

    private SelectionState State => state.State;

    public SelectionMode Mode => SelectionMode.Formal;

    /// <summary>The office's pool grain itself: a draw is one call to it.</summary>
    public IPlateSource NumbersFor(OfficeSnapshot office) => grains.Get<IPlatePoolGrain>(office.Code);

    public async Task KeepAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp)
    {
        // A lapse blacklists before the state says lapsed: should the blacklist fail, the state is not written and the
        // next wake-up lapses again (releasing is idempotent, and the blacklist runs to the same moment).
        await Task.WhenAll(events.OfType<SelectionEvent.Lapsed>()
            .Select(l => grains.Get<IOwnerGrain>(l.ApplicantIdNumber).BlacklistAsync(l.BlacklistedUntil)));

        var work = new List<Task>(events.Count + 2);
        if (nextWakeUp != State.ReminderAt)
        {
            work.Add(SetReminderAsync(nextWakeUp));
            State.ReminderAt = nextWakeUp;
        }

        var written = state.WriteStateAsync();
        work.Add(written);
        foreach (var e in events)
        {
            work.Add(e switch
            {
                SelectionEvent.Drew d => Audit(d.At, AuditKinds.Draw, State.ApplicantUsername, d.Plates, $"batch {d.Batch}{(d.ExcludeFour ? ", exclude 4" : "")}"),
                SelectionEvent.BackedUp b => Audit(b.At, AuditKinds.Backup, State.ApplicantUsername, [b.Plate]),
                SelectionEvent.Confirmed c => ConfirmedAsync(c),
                SelectionEvent.Exchanged x => Audit(x.At, AuditKinds.Exchange, x.Operator, [x.Plate]),
                SelectionEvent.Lapsed l => LapsedAsync(l),
                _ => Task.CompletedTask,
            });
        }

        try
        {
            await Task.WhenAll(work);
        }
        finally
        {
            // What was stored happened, whether or not its audit line went out with it.
            if (written.IsCompletedSuccessfully)
            {
                metrics.Count(State.OfficeCode, events);
            }
        }

        // Texts go out once what they tell is stored: a step that failed to store tells nobody, and a reminder stored as
        // sent is never sent again after a restart.
        await Task.WhenAll(events.Select(e => TextOf(e) is { } text ? SendAsync(text.Phone, text.Text) : Task.CompletedTask));
    }

    /// <summary>The text an event sends, and where to.</summary>
    private (string Phone, string Text)? TextOf(SelectionEvent e) => e switch
    {
        SelectionEvent.CodeSent c => (c.Phone, SmsTexts.Code(c.Code, State.Rules.SmsCodeSeconds)),
        SelectionEvent.Confirmed { Phone: { } phone } c => (phone, SmsTexts.Confirmed(c.Selected, State.Rules.BlacklistDays)),
        SelectionEvent.Lapsed { Phone: { } phone } l => (phone, SmsTexts.Lapsed(l.Plate, State.Rules.BlacklistDays > 0 ? OfficeCalendar.LocalDate(l.BlacklistedUntil) : null)),
        SelectionEvent.AppointmentChanged { Phone: { } phone } a => (phone, SmsTexts.AppointmentChanged(a.Plate, a.Current, a.Previous)),
        SelectionEvent.DeadlineNear { Phone: { } phone } n => (phone, SmsTexts.DeadlineNear(n.Selected, State.Rules.BlacklistDays)),
        _ => null,
    };

    /// <summary>
    /// Hands a text to the sender. A sender that fails is logged and never fails the step: what the text tells is
    /// already stored, and the applicant sees it on the selection's page too.
    /// </summary>
    private async Task SendAsync(string phone, string text)
    {
        try
        {
            await sms.SendAsync(phone, text);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "An SMS about selection {Vin} to {Phone} could not be handed to the sender", vin, Phones.Mask(phone));
        }
    }

    /// <summary>Nothing is left to happen by itself: the reminder goes, and the state says so.</summary>
    public async Task ReminderDoneAsync()
    {
        await SetReminderAsync(null);
        State.ReminderAt = null;
        await state.WriteStateAsync();
    }

    /// <summary>Registers the reminder for a moment (a little after it, so the timer normally wins), or removes it.</summary>
    private async Task SetReminderAsync(DateTimeOffset? due)
    {
        if (due is { } moment)
        {
            var dueTime = moment - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
            await grain.RegisterOrUpdateReminder(WakeUpReminder, dueTime + TimeSpan.FromSeconds(1), _reminderPeriod);
        }
        else if (await grain.GetReminder(WakeUpReminder) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }

    private Task LapsedAsync(SelectionEvent.Lapsed lapsed)
    {
        var until = OfficeCalendar.LocalDate(lapsed.BlacklistedUntil);
        return Audit(lapsed.At, AuditKinds.Release, "system", [lapsed.Plate], $"exchange deadline passed; {lapsed.Username ?? "the applicant"} blacklisted until {until:yyyy-MM-dd}");
    }

    private Task ConfirmedAsync(SelectionEvent.Confirmed confirmed)
    {
        var selected = confirmed.Selected;
        var byUser = selected.By == ConfirmedBy.User;
        return Audit(confirmed.At, byUser ? AuditKinds.Confirmation : AuditKinds.AutoConfirmation, byUser ? State.ApplicantUsername : "system", [selected.Plate]);
    }

    private Task Audit(DateTimeOffset at, string kind, string? actor, IReadOnlyList<string> plates, string? detail = null) =>
        audit.AppendAsync(new AuditEvent(at, kind, vin, State.OfficeCode, actor, plates, detail));
}
