using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
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
    [PersistentState("selection")] IPersistentState<SelectionState> state,
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

    public async Task ChangeOwnerAsync(string ownerIdNumber)
    {
        if (State.Stage is null)
        {
            return;
        }

        (await GetRulesForStateAsync()).ChangeOwner(ownerIdNumber);
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
            rules.Reconcile(new PoolReservation(entry.Vin, entry.Plate, entry.By, entry.ReservedAt, entry.ExchangeBy));
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
        new PoolGrainPlateSource(GrainFactory.GetGrain<IPlatePoolGrain>(office.Code));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != WakeUpReminder)
        {
            return;
        }

        if (!State.InProgress || await WakeUpAsync() is null)
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

    protected override Task PersistAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp)
    {
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
                SelectionEvent.CodeSent c => sms.SendAsync(c.Phone, $"【机动车选号】您的验证码为 {c.Code}，{State.Rules.SmsCodeSeconds / 60} 分钟内有效，请勿告诉他人。"),
                SelectionEvent.Drew d => Audit(d.At, AuditKinds.Draw, State.ApplicantUsername, d.Plates, $"batch {d.Batch}{(d.ExcludeFour ? ", exclude 4" : "")}"),
                SelectionEvent.BackedUp b => Audit(b.At, AuditKinds.Backup, State.ApplicantUsername, [b.Plate]),
                SelectionEvent.Confirmed c => ConfirmedAsync(c),
                _ => Task.CompletedTask,
            });
        }

        return Task.WhenAll(work);
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

        var text = $"【机动车选号】您已成功预选号牌 {selected.Plate}（{(byUser ? "本人确认" : "系统自动确认")}），请于 {selected.ExchangeBy:yyyy-MM-dd} 前到车管所办理换牌，逾期将被列入黑名单。凭证号 {selected.VoucherCode}。";
        return Task.WhenAll(work, sms.SendAsync(confirmed.Phone, text));
    }

    private Task Audit(DateTimeOffset at, string kind, string? actor, IReadOnlyList<string> plates, string? detail = null) =>
        audit.AppendAsync(new AuditEvent(at, kind, Vin, State.OfficeCode, actor, plates, detail));
}
