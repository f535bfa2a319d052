using Microsoft.Extensions.Logging;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// One vehicle's formal selection, keyed by VIN: the steps run as a <see cref="FormalSelection"/> (the office's pool,
/// stored before the answer goes out, audit and SMS). On activation it reconciles with the ledger (a confirmation may
/// have reached the ledger and not the state when a silo died in between). What must happen by itself (the
/// auto-confirm, the exchange deadline) has a grain timer for precision and a durable reminder, so that it also
/// happens when its moment passed while no silo was running.
/// </summary>
public sealed class SelectionSessionGrain(
    [PersistentState("selection", StorageNames.Selections)] IPersistentState<SelectionState> state,
    IPlateLedger ledger,
    IAuditTrail audit,
    ISmsSender sms,
    SelectionMetrics metrics,
    TimeProvider time,
    ILogger<SelectionSessionGrain> logger) : Grain, ISelectionSessionGrain, IRemindable
{
    private FormalSelection _kind = null!;
    private SelectionSteps _steps = null!;

    private string Vin => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _kind = new FormalSelection(this, Vin, state, GrainFactory, audit, sms, metrics, time, logger);
        _steps = new SelectionSteps(this, Vin, state.State, _kind, time);
        if (state.State.AppointmentChange is not null)
        {
            // An appointment change was cut off (the silo died midway): finish or drop it before anything else.
            await _steps.WakeUpAsync();
            return;
        }

        if (!state.State.InProgress || state.State.Selected is not null)
        {
            return;
        }

        var rules = await _steps.GetRulesForStateAsync();
        if (await ledger.LiveByVinAsync(Vin, cancellationToken) is { } entry)
        {
            rules.Completion.Reconcile(PlatePool.ToReservation(entry));
            logger.LogInformation("Selection {Vin} reconciled with the ledger: {Plate}", Vin, entry.Plate);
        }
        else
        {
            await rules.Drawing.RestoreHoldsAsync();
        }

        await _steps.SaveAsync(force: false);
        await _steps.WakeUpAsync();
    }

    public Task<SelectionReply> ExecuteAsync(Caller caller, SelectionCommand command, string? idempotencyKey) =>
        _steps.ExecuteAsync(caller, command, idempotencyKey);

    public Task<SelectionReply> ReadAsync(Caller caller) => _steps.ReadAsync(caller);

    public Task<SelectionStage?> GetStageAsync() => Task.FromResult(state.State.Stage);

    public Task<SelectionReply> ExchangeAsync(string operatorUsername) =>
        _steps.RunOfficeStepAsync(rules => rules.Completion.ExchangeAsync(operatorUsername));

    public async Task VehicleChangedAsync(VehicleRecord vehicle)
    {
        if (state.State.Stage is null)
        {
            return;
        }

        (await _steps.GetRulesForStateAsync()).Entry.VehicleChanged(vehicle);
        await _steps.SaveAsync(force: false);
    }

    public Task OfficeChangedAsync(OfficeSnapshot office) => _steps.OfficeChangedAsync(office);

    public Task BlacklistChangedAsync(string idNumber, DateTimeOffset? blacklistedUntil) =>
        _steps.BlacklistChangedAsync(idNumber, blacklistedUntil);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == FormalSelection.WakeUpReminder && await _steps.WakeUpAsync() is null)
        {
            // Done (or nothing left to do): the reminder has no more work.
            await _kind.ReminderDoneAsync();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _steps.Deactivating(reason);
        return Task.CompletedTask;
    }
}
