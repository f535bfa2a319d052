using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Offices;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// One vehicle's formal selection, keyed by VIN. Its numbers come from the office's pool; what a step changed is
/// stored before the answer goes out, together with the audit trail; on activation it reconciles with the ledger
/// (a confirmation may have reached the ledger and not the state when a silo died in between).
/// What must happen by itself (the auto-confirm; later the exchange deadline) has a grain timer for precision and a
/// durable reminder, so that it also happens when its moment passed while no silo was running.
/// </summary>
public sealed class SelectionSessionGrain(
    [PersistentState("selection", StorageNames.Selections)] IPersistentState<SelectionState> state,
    IPlateLedger ledger,
    IAuditTrail audit,
    ISmsSender sms,
    TimeProvider time,
    ILogger<SelectionSessionGrain> logger) : SelectionGrainBase(time), ISelectionSessionGrain, IRemindable
{
    public const string WakeUpReminder = "wake-up";

    /// <summary>Reminders are periodic; the period only matters when a tick finds the work still not done (the ledger down).</summary>
    private static readonly TimeSpan _reminderPeriod = TimeSpan.FromMinutes(1);

    protected override SelectionState State => state.State;

    protected override bool IsSimulation => false;

    protected override string Vin => this.GetPrimaryKeyString();

    public Task<SelectionStage?> GetStageAsync() => Task.FromResult(state.State.Stage);

    public Task<SelectionReply> ExchangeAsync(string operatorUsername) =>
        RunOfficeStepAsync(rules => rules.ExchangeAsync(operatorUsername));

    public async Task VehicleChangedAsync(VehicleRecord vehicle)
    {
        if (State.Stage is null)
        {
            return;
        }

        (await GetRulesForStateAsync()).VehicleChanged(vehicle);
        await SaveAsync(force: false);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!State.InProgress || State.Selected is not null)
        {
            return;
        }

        var rules = await GetRulesForStateAsync();
        if (await ledger.LiveByVinAsync(Vin, cancellationToken) is { } entry)
        {
            rules.Reconcile(PlatePool.ToReservation(entry));
            logger.LogInformation("Selection {Vin} reconciled with the ledger: {Plate}", Vin, entry.Plate);
        }
        else
        {
            await rules.RestoreHoldsAsync();
        }

        await SaveAsync(force: false);
        await WakeUpAsync();
    }

    protected override IPlateSource CreatePlateSource(OfficeSnapshot office) =>
        new PoolGrainPlateSource(GrainFactory.Get<IPlatePoolGrain>(office.Code));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeUpReminder)
        {
            return;
        }

        if (await WakeUpAsync() is null)
        {
            // Done (or nothing left to do): the reminder has no more work.
            await SetReminderAsync(null);
            State.ReminderAt = null;
            await state.WriteStateAsync();
        }
    }

    /// <summary>Registers the reminder for a moment (a little after it, so the timer normally wins), or removes it.</summary>
    private async Task SetReminderAsync(DateTimeOffset? due)
    {
        if (due is { } moment)
        {
            var dueTime = moment - Time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
            await this.RegisterOrUpdateReminder(WakeUpReminder, dueTime + TimeSpan.FromSeconds(1), _reminderPeriod);
        }
        else if (await this.GetReminder(WakeUpReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    protected override async Task PersistAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp)
    {
        // A lapse blacklists before the state says lapsed: should the blacklist fail, the state is not written and the
        // next wake-up lapses again (releasing is idempotent, and the blacklist runs to the same moment).
        await Task.WhenAll(events.OfType<SelectionEvent.Lapsed>()
            .Select(l => GrainFactory.Get<IOwnerGrain>(l.ApplicantIdNumber).BlacklistAsync(l.BlacklistedUntil)));

        var work = new List<Task>(events.Count + 2);
        if (nextWakeUp != State.ReminderAt)
        {
            work.Add(SetReminderAsync(nextWakeUp));
            State.ReminderAt = nextWakeUp;
        }

        work.Add(state.WriteStateAsync());
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

        await Task.WhenAll(work);
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
        audit.AppendAsync(new AuditEvent(at, kind, Vin, State.OfficeCode, actor, plates, detail));
}
