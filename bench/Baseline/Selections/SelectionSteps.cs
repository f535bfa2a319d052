using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Selections;

/// <summary>
/// One step of one selection, inside its transaction: the row (locked), the office, the clock, the number rows, and
/// what the step adds to the final write batch (audit, SMS). The steps mirror the product's rules one for one.
/// </summary>
public sealed class SelectionSteps(SelectionRow row, Office office, DateTime now, PlateRows plates, string? ownerPhone)
{
    private const string VoucherAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /// <summary>Whether the row must be written back.</summary>
    public bool Changed { get; private set; }

    /// <summary>Statements the step adds to the commit: audit rows, SMS messages.</summary>
    public List<NpgsqlBatchCommand> Writes { get; } = [];

    private Reply View(int status = 200) => Reply.Of(status, row.View(now), BaselineJson.Wire.SelectionView);

    private Reply WrongStage(string detail) => Reply.Of(Error.WrongStage(row.Stage, detail));

    public Reply ConfirmInfo(string noticeVersion)
    {
        if (row.Stage != Stages.ConfirmInfo)
        {
            return WrongStage("信息已确认。");
        }

        if (noticeVersion != office.NoticeVersion)
        {
            return Reply.Of(Error.Validation("noticeVersion", $"须阅读并同意当前版本的业务须知（{office.NoticeVersion}）。"));
        }

        // The rules the accepted notice describes are the rules of this selection to its end.
        Changed = true;
        (row.Rules, row.NoticeVersion, row.NoticeAcceptedAt, row.Stage) = (office.Rules, noticeVersion, now, Stages.ServiceInfo);
        return View();
    }

    public Reply Start()
    {
        if (row.Stage != Stages.ServiceInfo)
        {
            return WrongStage("当前步骤不能开始选号。");
        }

        Changed = true;
        row.Stage = Stages.VerifyIdentity;
        return View();
    }

    /// <summary>Sends a code to the owner's phone on the office's record (never the phone typed at registration).</summary>
    public Reply SendSmsCode()
    {
        if (row.Stage != Stages.VerifyIdentity)
        {
            return WrongStage("当前步骤不需要短信验证码。");
        }

        if (ownerPhone is null)
        {
            return Reply.Of(new Error(Codes.NoPhoneOnRecord, "车管所没有该车辆所有人的预留手机号码，请到车管所窗口核验身份。"));
        }

        if (row.SmsResendAfter is { } resendAfter && resendAfter > now)
        {
            var wait = (int)Math.Ceiling((resendAfter - now).TotalSeconds);
            return Reply.Of(new Error(Codes.SmsCooldown, $"验证码已发送，请 {wait} 秒后再试。") { RetryAfter = wait });
        }

        var rules = row.Rules;
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        Changed = true;
        row.SmsCodeHash = HashCode(code);
        row.SmsExpiresAt = now.AddSeconds(rules.SmsCodeSeconds);
        row.SmsResendAfter = now.AddSeconds(rules.SmsCooldownSeconds);
        row.SmsConfirmEnabledAt = now.AddSeconds(rules.SmsConfirmDelaySeconds);
        row.SmsAttemptsLeft = rules.SmsAttempts;
        row.SmsUsed = false;
        Writes.Add(Command("INSERT INTO sms_outbox (phone, text, sent_at) VALUES ($1, $2, $3)",
            P(ownerPhone), P($"【机动车选号】您的验证码为 {code}，{rules.SmsCodeSeconds / 60} 分钟内有效，请勿告诉他人。"), P(now)));
        return Reply.Of(202, new SmsCodeSent(Identity.MaskPhone(ownerPhone), row.SmsResendAfter.Value, row.SmsConfirmEnabledAt.Value,
            row.SmsExpiresAt.Value, false, now), BaselineJson.Wire.SmsCodeSent);
    }

    public Reply Verify(string code)
    {
        if (row.Stage != Stages.VerifyIdentity)
        {
            return WrongStage("当前步骤不需要验证身份。");
        }

        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return Reply.Of(Error.Validation("code", "验证码是 6 位数字。"));
        }

        if (row.SmsCodeHash is null || row.SmsUsed || row.SmsExpiresAt <= now)
        {
            return Reply.Of(new Error(Codes.SmsCodeExpired, "验证码已失效或尚未发送，请重新获取。"));
        }

        if (row.SmsAttemptsLeft <= 0)
        {
            return Reply.Of(new Error(Codes.SmsAttemptsExceeded, "验证码错误次数过多，请重新获取。"));
        }

        if (now < row.SmsConfirmEnabledAt)
        {
            return Reply.Of(new Error(Codes.SmsTooEarly, "请在倒计时结束后再确认。")
            {
                RetryAfter = (int)Math.Ceiling((row.SmsConfirmEnabledAt.Value - now).TotalSeconds),
            });
        }

        Changed = true;
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCode(code)), Encoding.ASCII.GetBytes(row.SmsCodeHash)))
        {
            row.SmsAttemptsLeft--;
            return Reply.Of(new Error(Codes.SmsCodeInvalid, "验证码错误。") { AttemptsLeft = row.SmsAttemptsLeft });
        }

        (row.SmsUsed, row.Stage) = (true, Stages.Drawing);
        return View();
    }

    /// <summary>Draws a batch: costs one draw, replaces the batch (its numbers not kept as backups go back), restarts the backup countdown.</summary>
    public async Task<Reply> DrawAsync(bool excludeFour)
    {
        if (row.Stage != Stages.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (row.RemainingDraws <= 0)
        {
            return Reply.Of(new Error(Codes.DrawsExhausted, "随机选号次数已用完。"));
        }

        var rules = row.Rules;
        var expiresAt = now.AddSeconds(rules.BatchSeconds);
        // Only the series the office published: a letter it has not opened costs no query.
        var letters = string.Concat(Plates.LettersFor(row.Energy)
            .Where(l => office.Publication.Any(s => s.PlateKind == row.PlateKind && s.EnergyLetter[0] == l)));
        var batch = await plates.DrawAsync(row.PlateKind, letters, rules.PlatesPerDraw, excludeFour, expiresAt, now);
        if (batch.Length == 0)
        {
            return Reply.Of(new Error(Codes.PoolEmpty, "号池中已没有可选号牌。"));
        }

        if (row.BatchPlates?.Except(row.Backups).Except(batch).ToArray() is { Length: > 0 } replaced)
        {
            Writes.Add(plates.Release(replaced));
        }

        Changed = true;
        row.DrawsUsed++;
        (row.BatchNumber, row.BatchPlates, row.BatchExcludeFour, row.BatchExpiresAt, row.BatchBackupTaken) = (row.DrawsUsed, batch, excludeFour, expiresAt, false);
        if (row.Backups.Count > 0 && row.BackupsExpireAt > now)
        {
            await RestartBackupCountdownAsync();
        }

        Audit("draw", batch);
        return View(201);
    }

    /// <summary>Keeps one number of the current batch as a backup and restarts the backup countdown.</summary>
    public async Task<Reply> AddBackupAsync(string plate)
    {
        if (row.Stage != Stages.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (!Plates.IsNevPlate(plate))
        {
            return Reply.Of(Error.Validation("plate", "号牌号码格式不正确。"));
        }

        if (row.BatchPlates is not { } batch)
        {
            return Reply.Of(new Error(Codes.PlateNotInBatch, "当前没有随机号牌。"));
        }

        if (row.BatchExpiresAt <= now)
        {
            return Reply.Of(new Error(Codes.BatchExpired, "随机号牌已失效，请换一批。"));
        }

        if (row.BatchBackupTaken)
        {
            return Reply.Of(new Error(Codes.BackupAlreadyTaken, "每批随机号牌只能选择一个备选号牌。"));
        }

        if (!batch.Contains(plate))
        {
            return Reply.Of(new Error(Codes.PlateNotInBatch, "该号牌不在当前随机号牌中。"));
        }

        Changed = true;
        row.Backups = [.. row.BackupsExpireAt > now ? row.Backups : [], plate];
        var held = await RestartBackupCountdownAsync();
        if (!held.Contains(plate))
        {
            return Reply.Of(new Error(Codes.PlateUnavailable, "该号牌已被他人选用。"));
        }

        row.BatchBackupTaken = true;
        Audit("backup", [plate]);
        return View();
    }

    /// <summary>Confirms one valid backup: the number is reserved, the others go back. Confirming the confirmed number again answers the view.</summary>
    public async Task<Reply> ConfirmAsync(string plate)
    {
        if (row.Stage == Stages.Completed && row.SelectedPlate == plate)
        {
            return View();
        }

        if (row.Stage != Stages.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (!Plates.IsNevPlate(plate))
        {
            return Reply.Of(Error.Validation("plate", "号牌号码格式不正确。"));
        }

        if (!row.Backups.Contains(plate))
        {
            return Reply.Of(new Error(Codes.PlateNotInBackups, "该号牌不在备选号牌中。"));
        }

        if (row.BackupsExpireAt <= now)
        {
            return Reply.Of(new Error(Codes.BackupExpired, "备选号牌已失效。"));
        }

        var exchangeBy = OfficeCalendar.LocalDate(now).AddDays(row.Rules.ValidityDays);
        var voucher = RandomNumberGenerator.GetString(VoucherAlphabet, 12);
        Changed = true;
        if (!await plates.ReserveAsync(plate, "user", now, exchangeBy, voucher))
        {
            row.Backups.Remove(plate);
            return Reply.Of(new Error(Codes.PlateUnavailable, "该号牌已被他人选用。"));
        }

        if (row.Backups.Concat(row.BatchPlates ?? []).Where(p => p != plate).Distinct().ToArray() is { Length: > 0 } others)
        {
            Writes.Add(plates.Release(others));
        }

        (row.SelectedPlate, row.ConfirmedAt, row.ConfirmedBy, row.ExchangeBy, row.VoucherCode) = (plate, now, "user", exchangeBy, voucher);
        row.Stage = Stages.Completed;
        Audit("confirm", [plate]);
        return View();
    }

    /// <summary>Restarts the shared backup countdown and holds every backup to its end; drops backups that were lost.</summary>
    private async Task<HashSet<string>> RestartBackupCountdownAsync()
    {
        row.BackupsExpireAt = now.AddSeconds(row.Rules.BackupSeconds);
        var held = await plates.HoldAsync(row.Backups, row.BackupsExpireAt.Value, now);
        row.Backups.RemoveAll(p => !held.Contains(p));
        return held;
    }

    private void Audit(string kind, string[] plateNumbers) =>
        Writes.Add(Command("INSERT INTO audit (at, kind, vin, office_code, actor, plates) VALUES ($1, $2, $3, $4, $5, $6)",
            P(now), P(kind), P(row.Vin), P(row.OfficeCode), P(row.Applicant), P(plateNumbers)));

    private string HashCode(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{row.Vin}:{code}")));
}
