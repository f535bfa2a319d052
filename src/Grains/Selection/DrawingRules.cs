using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Grains.Selection;

/// <summary>Drawing: batches and their countdown, backups and their shared countdown, holds restored after a restart.</summary>
public sealed class DrawingRules(SelectionContext selection, IPlateSource plates, AutoConfirmRules autoConfirm)
{
    private SelectionState State => selection.State;

    private DateTimeOffset Now => selection.Now;

    /// <summary>
    /// Draws a batch (随机一次 / 换一批): costs one draw, replaces the batch, restarts the backup countdown. When it is the
    /// last draw, the first number of the batch stays held for the auto-confirm.
    /// </summary>
    public async Task<SelectionReply> DrawAsync(bool excludeFour)
    {
        if (State.Stage != SelectionStage.Drawing)
        {
            return selection.WrongStage("请先完成身份验证。");
        }

        if (State.RemainingDraws <= 0)
        {
            return selection.DrawsExhausted();
        }

        var now = Now;
        var rules = State.Rules;
        var expiresAt = now.AddSeconds(rules.BatchSeconds);
        var oldBatch = State.Batch;
        var release = oldBatch?.Plates.Where(p => !State.Backups.Contains(p)).ToArray() ?? [];
        var drawn = await plates.DrawAsync(new PoolDraw(State.Vin, State.PlateKind, State.Energy, rules.PlatesPerDraw, excludeFour, expiresAt, release));
        if (drawn.Error is not null || drawn.Value is not { Count: > 0 } batch)
        {
            if (oldBatch is not null && oldBatch.ExpiresAt > now && release.Length > 0)
            {
                await plates.HoldAsync(State.Vin, release, oldBatch.ExpiresAt);
            }

            return drawn.Error ?? new PlateError(ErrorCodes.PoolEmpty, "号池中已没有可选号牌。");
        }

        selection.MarkChanged();
        State.DrawsUsed++;
        State.Batch = new BatchState(State.DrawsUsed, batch, excludeFour, expiresAt, BackupTaken: false);
        selection.Record(new SelectionEvent.Drew(now, State.DrawsUsed, batch, excludeFour));
        if (LiveBackups(now).Count > 0)
        {
            await RestartBackupCountdownAsync(now);
        }

        await autoConfirm.ScheduleIfLastAsync();
        return selection.View();
    }

    /// <summary>Keeps one number of the current batch as a backup and restarts the backup countdown.</summary>
    public async Task<SelectionReply> AddBackupAsync(string plate)
    {
        if (State.Stage != SelectionStage.Drawing)
        {
            return selection.WrongStage("请先完成身份验证。");
        }

        if (!PlateSerials.IsNevPlate(plate))
        {
            return PlateError.Validation("plate", "号牌号码格式不正确。");
        }

        var now = Now;
        if (State.Batch is not { } batch)
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

        selection.MarkChanged();
        State.Backups = [.. LiveBackups(now), plate];
        var held = await RestartBackupCountdownAsync(now);
        if (!held.Contains(plate))
        {
            State.Backups.Remove(plate);
            return new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。");
        }

        State.Batch = batch with { BackupTaken = true };
        selection.Record(new SelectionEvent.BackedUp(now, plate));
        await autoConfirm.ScheduleIfLastAsync();
        return selection.View();
    }

    /// <summary>
    /// Takes the holds of a running selection again after a restart or failover (holds live in the pool's memory):
    /// the live batch, the backups, and the number waiting for the auto-confirm. A number someone else got meanwhile
    /// is simply not held; a confirmation of it will answer plate_unavailable.
    /// </summary>
    public async Task RestoreHoldsAsync()
    {
        var now = Now;
        if (!State.InProgress || State.Selected is not null)
        {
            return;
        }

        if (State.Batch is { } batch && batch.ExpiresAt > now)
        {
            await plates.HoldAsync(State.Vin, batch.Plates, batch.ExpiresAt);
        }

        if (LiveBackups(now) is { Count: > 0 } backups)
        {
            await plates.HoldAsync(State.Vin, backups, State.BackupsExpireAt!.Value);
        }

        if (State.PendingAutoConfirm is { } due && State.Batch is { } last)
        {
            await plates.HoldAsync(State.Vin, [last.Plates[0]], due.Add(AutoConfirmRules.HoldGrace));
        }
    }

    /// <summary>Backups whose countdown still runs.</summary>
    private List<string> LiveBackups(DateTimeOffset now) => State.BackupsExpireAt > now ? State.Backups : [];

    /// <summary>Restarts the shared backup countdown and holds every backup to its end; drops backups that were lost.</summary>
    private async Task<IReadOnlyList<string>> RestartBackupCountdownAsync(DateTimeOffset now)
    {
        State.BackupsExpireAt = now.AddSeconds(State.Rules.BackupSeconds);
        var held = await plates.HoldAsync(State.Vin, State.Backups, State.BackupsExpireAt.Value);
        State.Backups.RemoveAll(p => !held.Contains(p));
        return held;
    }
}
