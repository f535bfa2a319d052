using PlateOrleans.Contracts;
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
    TimeProvider time) : ISelectionKind
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
                SelectionEvent.CodeSent c => sms.SendAsync(c.Phone, SmsTexts.Code(c.Code, State.Rules.SmsCodeSeconds)),
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
            // What was stored happened, whether or not its audit line or message went out with it.
            if (written.IsCompletedSuccessfully)
            {
                metrics.Count(State.OfficeCode, events);
            }
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
        var work = Audit(lapsed.At, AuditKinds.Release, "system", [lapsed.Plate], $"exchange deadline passed; {lapsed.Username ?? "the applicant"} blacklisted until {until:yyyy-MM-dd}");
        if (lapsed.Phone is null)
        {
            return work;
        }

        return Task.WhenAll(work, sms.SendAsync(lapsed.Phone, SmsTexts.Lapsed(lapsed.Plate, until)));
    }

    private Task ConfirmedAsync(SelectionEvent.Confirmed confirmed)
    {
        var selected = confirmed.Selected;
        var byUser = selected.By == ConfirmedBy.User;
        var work = Audit(confirmed.At, byUser ? AuditKinds.Confirmation : AuditKinds.AutoConfirmation, byUser ? State.ApplicantUsername : "system", [selected.Plate]);
        if (confirmed.Phone is null)
        {
            return work;
        }

        return Task.WhenAll(work, sms.SendAsync(confirmed.Phone, SmsTexts.Confirmed(selected)));
    }

    private Task Audit(DateTimeOffset at, string kind, string? actor, IReadOnlyList<string> plates, string? detail = null) =>
        audit.AppendAsync(new AuditEvent(at, kind, vin, State.OfficeCode, actor, plates, detail));
}
