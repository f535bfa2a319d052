using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>The auto-confirm: what time made due (the confirmation when the countdowns end) and when it is scheduled.</summary>
public sealed class AutoConfirmRules(SelectionContext selection, IPlateSource plates, CompletionRules completion)
{
    /// <summary>How long past the auto-confirm moment its number stays held, so a late timer still finds it.</summary>
    public static readonly TimeSpan HoldGrace = TimeSpan.FromMinutes(5);

    private SelectionState State => selection.State;

    private DateTimeOffset Now => selection.Now;

    /// <summary>
    /// When the draws are spent, nothing is confirmed and the last countdown has ended: confirms the first number of the
    /// last batch (or, if that one was lost, the next still available, in order; or one drawn anew if all were).
    /// Answers whether the state changed, or the error that kept it from finishing (the ledger does not answer).
    /// </summary>
    public async Task<CatchUp> ConfirmIfDueAsync()
    {
        var now = Now;
        if (State.PendingAutoConfirm is not { } due || due > now || State.Batch is not { } batch)
        {
            return CatchUp.Nothing;
        }

        foreach (var plate in batch.Plates)
        {
            var error = await completion.ReserveAsync(plate, ConfirmedBy.Auto, now);
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
        var drawn = await plates.DrawAsync(new PoolDraw(State.Vin, State.PlateKind, State.Energy, 1, batch.ExcludeFour, now.Add(HoldGrace), []));
        var last = drawn.Value is [var fresh]
            ? await completion.ReserveAsync(fresh, ConfirmedBy.Auto, now)
            : drawn.Error ?? new PlateError(ErrorCodes.PoolEmpty, "号池中已没有可选号牌。");
        return last is null ? CatchUp.Done : new CatchUp(false, last);
    }

    /// <summary>After the last draw or backup: the later of the batch's and the backups' countdowns, and its number held until then.</summary>
    public async Task ScheduleIfLastAsync()
    {
        if (State.RemainingDraws > 0 || State.Batch is not { } batch)
        {
            return;
        }

        var due = batch.ExpiresAt;
        if (State.Backups.Count > 0 && State.BackupsExpireAt > due)
        {
            due = State.BackupsExpireAt.Value;
        }

        State.AutoConfirmAt = due;
        await plates.HoldAsync(State.Vin, [batch.Plates[0]], due.Add(HoldGrace));
    }
}
