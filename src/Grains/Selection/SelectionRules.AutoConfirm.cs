using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>The auto-confirm: what time made due (the confirmation when the countdowns end) and when it is scheduled.</summary>
public sealed partial class SelectionRules
{
    /// <summary>
    /// Does what time made due: when the draws are spent, nothing is confirmed and the last countdown has ended, confirms
    /// the first number of the last batch (or, if that one was lost, the next still available, in order).
    /// Answers whether the state changed, or the error that kept it from finishing (the ledger does not answer).
    /// </summary>
    public async Task<CatchUp> CatchUpAsync()
    {
        var now = Now;
        if (ExchangeDeadline is { } deadline && deadline <= now)
        {
            await LapseAsync(deadline, now);
            return CatchUp.Done;
        }

        if (RemindOfDeadline(now))
        {
            return CatchUp.Done;
        }

        if (PendingAutoConfirm is not { } due || due > now || state.Batch is not { } batch)
        {
            return CatchUp.Nothing;
        }

        foreach (var plate in batch.Plates)
        {
            var error = await ReserveAsync(plate, ConfirmedBy.Auto, now);
            if (error is null)
            {
                return CatchUp.Done;
            }

            if (error.Code != ErrorCodes.PlateUnavailable)
            {
                return new CatchUp(false, error);
            }
        }

        // Every number of the batch went to someone else (a failover dropped the holds): draw one more for the vehicle.
        var drawn = await plates.DrawAsync(new PoolDraw(state.Vin, state.PlateKind, state.Energy, 1, batch.ExcludeFour, now.Add(AutoConfirmHoldGrace), []));
        var last = drawn.Value is [var fresh]
            ? await ReserveAsync(fresh, ConfirmedBy.Auto, now)
            : drawn.Error ?? new PlateError(ErrorCodes.PoolEmpty, "号池中已没有可选号牌。");
        return last is null ? CatchUp.Done : new CatchUp(false, last);
    }

    /// <summary>After the last draw: the later of the batch's and the backups' countdowns, and its number held until then.</summary>
    private async Task ScheduleAutoConfirmIfLastAsync()
    {
        if (state.RemainingDraws > 0 || state.Batch is not { } batch)
        {
            return;
        }

        var due = batch.ExpiresAt;
        if (state.Backups.Count > 0 && state.BackupsExpireAt > due)
        {
            due = state.BackupsExpireAt.Value;
        }

        state.AutoConfirmAt = due;
        await plates.HoldAsync(state.Vin, [batch.Plates[0]], due.Add(AutoConfirmHoldGrace));
    }
}
