using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Grains.Selection;

/// <summary>Drawing: batches and their countdown, backups and their shared countdown, holds restored after a restart.</summary>
public sealed partial class SelectionRules
{
    /// <summary>
    /// Draws a batch (随机一次 / 换一批): costs one draw, replaces the batch, restarts the backup countdown. When it is the
    /// last draw, the first number of the batch stays held for the auto-confirm.
    /// </summary>
    public async Task<SelectionReply> DrawAsync(bool excludeFour)
    {
        if (state.Stage != SelectionStage.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (state.RemainingDraws <= 0)
        {
            return DrawsExhausted();
        }

        var now = Now;
        var rules = state.Rules;
        var expiresAt = now.AddSeconds(rules.BatchSeconds);
        var oldBatch = state.Batch;
        var release = oldBatch?.Plates.Where(p => !state.Backups.Contains(p)).ToArray() ?? [];
        var drawn = await plates.DrawAsync(new PoolDraw(state.Vin, state.PlateKind, state.Energy, rules.PlatesPerDraw, excludeFour, expiresAt, release));
        if (drawn.Error is not null || drawn.Value is not { Count: > 0 } batch)
        {
            if (oldBatch is not null && oldBatch.ExpiresAt > now && release.Length > 0)
            {
                await plates.HoldAsync(state.Vin, release, oldBatch.ExpiresAt);
            }

            return drawn.Error ?? new PlateError(ErrorCodes.PoolEmpty, "号池中已没有可选号牌。");
        }

        Changed = true;
        state.DrawsUsed++;
        state.Batch = new BatchState(state.DrawsUsed, batch, excludeFour, expiresAt, BackupTaken: false);
        _events.Add(new SelectionEvent.Drew(now, state.DrawsUsed, batch, excludeFour));
        if (LiveBackups(now).Count > 0)
        {
            await RestartBackupCountdownAsync(now);
        }

        await ScheduleAutoConfirmIfLastAsync();
        return View();
    }

    /// <summary>Keeps one number of the current batch as a backup and restarts the backup countdown.</summary>
    public async Task<SelectionReply> AddBackupAsync(string plate)
    {
        if (state.Stage != SelectionStage.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (!PlateSerials.IsNevPlate(plate))
        {
            return PlateError.Validation("plate", "号牌号码格式不正确。");
        }

        var now = Now;
        if (state.Batch is not { } batch)
        {
            return new PlateError(ErrorCodes.PlateNotInBatch, "当前没有随机号牌。");
        }

        if (batch.ExpiresAt <= now)
        {
            return new PlateError(ErrorCodes.BatchExpired, "随机号牌已失效，请换一批。");
        }

        if (batch.BackupTaken)
        {
            return new PlateError(ErrorCodes.BackupAlreadyTaken, "每批随机号牌只能选择一个备选号牌。");
        }

        if (!batch.Plates.Contains(plate))
        {
            return new PlateError(ErrorCodes.PlateNotInBatch, "该号牌不在当前随机号牌中。");
        }

        Changed = true;
        state.Backups = [.. LiveBackups(now), plate];
        var held = await RestartBackupCountdownAsync(now);
        if (!held.Contains(plate))
        {
            state.Backups.Remove(plate);
            return new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。");
        }

        state.Batch = batch with { BackupTaken = true };
        _events.Add(new SelectionEvent.BackedUp(now, plate));
        await ScheduleAutoConfirmIfLastAsync();
        return View();
    }

    /// <summary>
    /// Takes the holds of a running selection again after a restart or failover (holds live in the pool's memory):
    /// the live batch, the backups, and the number waiting for the auto-confirm. A number someone else got meanwhile
    /// is simply not held; a confirmation of it will answer plate_unavailable.
    /// </summary>
    public async Task RestoreHoldsAsync()
    {
        var now = Now;
        if (!state.InProgress || state.Selected is not null)
        {
            return;
        }

        if (state.Batch is { } batch && batch.ExpiresAt > now)
        {
            await plates.HoldAsync(state.Vin, batch.Plates, batch.ExpiresAt);
        }

        if (LiveBackups(now) is { Count: > 0 } backups)
        {
            await plates.HoldAsync(state.Vin, backups, state.BackupsExpireAt!.Value);
        }

        if (PendingAutoConfirm is { } due && state.Batch is { } last)
        {
            await plates.HoldAsync(state.Vin, [last.Plates[0]], due.Add(AutoConfirmHoldGrace));
        }
    }

    /// <summary>Backups whose countdown still runs.</summary>
    private List<string> LiveBackups(DateTimeOffset now) => state.BackupsExpireAt > now ? state.Backups : [];

    /// <summary>Restarts the shared backup countdown and holds every backup to its end; drops backups that were lost.</summary>
    private async Task<IReadOnlyList<string>> RestartBackupCountdownAsync(DateTimeOffset now)
    {
        state.BackupsExpireAt = now.AddSeconds(state.Rules.BackupSeconds);
        var held = await plates.HoldAsync(state.Vin, state.Backups, state.BackupsExpireAt.Value);
        state.Backups.RemoveAll(p => !held.Contains(p));
        return held;
    }
}
