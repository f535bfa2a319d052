using System.Security.Cryptography;
using System.Text;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Offices;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>What entering a selection needs to know about the world.</summary>
/// <param name="BlacklistedUntil">The end of the applicant's (the person's) blacklist, if one ran.</param>
public sealed record EntryFacts(OfficeSnapshot? Office, VehicleRecord? Vehicle, AccountRecord Applicant, DateTimeOffset? BlacklistedUntil);

/// <summary>
/// The selection flow of the seed document as a plain state machine over <see cref="SelectionState"/>: phase 1
/// (confirm information, accept the notice, service explanation), phase 2 (SMS verification, draws, backups,
/// confirmation), auto-confirm and re-entry. Every countdown is read from the injected clock and evaluated when asked,
/// so a lapsed batch reads as gone and a passed auto-confirm moment is acted on at the next call.
/// Steps return a reply (a view or the rule broken); what the outside must hear of is left in <see cref="TakeEvents"/>.
/// </summary>
public sealed class SelectionRules(SelectionState state, IPlateSource plates, TimeProvider time, bool simulation, IRandomSource random)
{
    /// <summary>How long past the auto-confirm moment its number stays held, so a late timer still finds it.</summary>
    public static readonly TimeSpan AutoConfirmHoldGrace = TimeSpan.FromMinutes(5);

    private readonly List<SelectionEvent> _events = [];

    public SelectionState State => state;

    /// <summary>Whether a step changed the state since the last <see cref="TakeEvents"/> (so it must be saved).</summary>
    public bool Changed { get; private set; }

    public bool IsSimulation => simulation;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The events recorded since the last call.</summary>
    public IReadOnlyList<SelectionEvent> TakeEvents()
    {
        var events = _events.ToArray();
        _events.Clear();
        Changed = false;
        return events;
    }

    /// <summary>The moment the system confirms by itself, while that is pending.</summary>
    public DateTimeOffset? PendingAutoConfirm => state.Selected is null && state.InProgress ? state.AutoConfirmAt : null;

    /// <summary>The moment an unexchanged number goes back to the pool and its applicant is blacklisted.</summary>
    public DateTimeOffset? ExchangeDeadline =>
        state.Stage == SelectionStage.Completed && state.Selected?.ExchangeBy is { } by ? OfficeCalendar.EndOf(by) : null;

    /// <summary>When something must happen without a caller: the auto-confirm, or the exchange deadline.</summary>
    public DateTimeOffset? NextWakeUp => PendingAutoConfirm ?? ExchangeDeadline;

    /// <summary>The office gate: maintenance always; opening date and hours for formal selections only.</summary>
    public PlateError? CheckOffice(OfficeSnapshot office)
    {
        var error = OfficeCalendar.Gate(office, Now);
        return simulation && error?.Code != ErrorCodes.Maintenance ? null : error;
    }

    /// <summary>Whether the caller may act on this selection (it must have been entered by its owner's side).</summary>
    public PlateError? CheckActor(Caller caller)
    {
        if (state.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号，请先进入选号。");
        }

        return caller.IdNumber == state.OwnerIdNumber
            ? null
            : new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。");
    }

    /// <summary>Whether the caller may read this selection: its owner, or an operator of its office.</summary>
    public PlateError? CheckReader(Caller caller)
    {
        if (state.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        if (caller.IdNumber == state.OwnerIdNumber || caller.Oversees(state.OfficeCode))
        {
            return null;
        }

        return caller.Role == Role.Citizen
            ? new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。")
            : new PlateError(ErrorCodes.Forbidden, "只能查看本车管所的选号。");
    }

    /// <summary>
    /// Enters (starts or resumes) the selection. Checks, in API.md's order: office state, ownership, region, blacklist,
    /// eligibility; then routes as the seed says.
    /// </summary>
    public SelectionReply Enter(EntryFacts facts)
    {
        if (facts.Vehicle is not { } vehicle)
        {
            return PlateError.NotFound("未找到该车辆。");
        }

        if (facts.Office is not { } office)
        {
            return PlateError.NotFound("该车辆所属车管所未开通网上选号。");
        }

        var applicant = facts.Applicant;
        var rejection = CheckOffice(office)
            ?? CheckOwnership(vehicle, applicant)
            ?? CheckRegion(vehicle, applicant, office)
            ?? CheckBlacklist(facts.BlacklistedUntil)
            ?? CheckEligibility(vehicle);
        if (rejection is not null)
        {
            return rejection;
        }

        Changed = true;

        // Codes and messages go to the phone on the office's record, never to one typed at registration: knowing the
        // owner's ID number must not be enough to select for their vehicle.
        state.Phone = vehicle.OwnerPhone;
        switch (state.Stage)
        {
            case null:
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ConfirmInfo:
                state.OwnerIdNumber = vehicle.OwnerIdNumber;
                NameApplicant(applicant);
                break;
            case SelectionStage.Lapsed:
                // The blacklist is over (or was lifted): the vehicle selects anew.
                state.StartOver();
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ServiceInfo or SelectionStage.VerifyIdentity or SelectionStage.Drawing:
                if (state.RemainingDraws <= 0)
                {
                    return DrawsExhausted();
                }

                // Back to the service explanation; identity must be verified again on every entry.
                state.Stage = SelectionStage.ServiceInfo;
                break;
        }

        return View();
    }

    private void Begin(VehicleRecord vehicle, OfficeSnapshot office)
    {
        state.Stage = SelectionStage.ConfirmInfo;
        state.Vin = vehicle.Vin;
        state.OfficeCode = office.Code;
        state.PlateKind = vehicle.PlateKind;
        state.Energy = vehicle.Energy;
        state.OwnerIdNumber = vehicle.OwnerIdNumber;
        state.Rules = office.Settings.Rules;
        state.EnteredAt = Now;
    }

    /// <summary>
    /// The person who makes a selection stays its applicant (the blacklist of a lapse is theirs): set at the first
    /// entry, and again only when the vehicle changed hands before anything was confirmed.
    /// </summary>
    private void NameApplicant(AccountRecord applicant)
    {
        if (state.ApplicantIdNumber is null)
        {
            state.ApplicantIdNumber = applicant.IdNumber;
            state.ApplicantUsername = applicant.Username;
        }
    }

    private static PlateError? CheckOwnership(VehicleRecord vehicle, AccountRecord applicant) =>
        applicant.IdNumber is not null && applicant.IdNumber == vehicle.OwnerIdNumber
            ? null
            : new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。");

    private static PlateError? CheckRegion(VehicleRecord vehicle, AccountRecord applicant, OfficeSnapshot office)
    {
        if (applicant.OfficeCode == vehicle.OfficeCode)
        {
            return null;
        }

        if (applicant.UserType is UserType.NewCarOwner or UserType.Learner or UserType.Unit)
        {
            return new PlateError(ErrorCodes.RegionNotAllowed, "新车车主、学员和单位用户只能在注册地预选号牌。");
        }

        return office.Settings.CrossRegion
            ? null
            : new PlateError(ErrorCodes.RegionNotAllowed, $"{office.Settings.Name}不受理异地预选号牌。");
    }

    /// <summary>
    /// Whether the applicant (the person, whichever of their accounts calls) is blacklisted now: checked at entry and
    /// again at every step of a formal selection.
    /// </summary>
    public PlateError? CheckBlacklist(DateTimeOffset? blacklistedUntil) =>
        !simulation && blacklistedUntil is { } until && until > Now
            ? new PlateError(ErrorCodes.Blacklisted, $"您因逾期未办理换牌被列入黑名单，{OfficeCalendar.LocalDate(until):yyyy-MM-dd} 前不能网上预选号牌。") { Until = until }
            : null;

    private static PlateError? CheckEligibility(VehicleRecord vehicle) =>
        Eligibility.ReasonAgainst(vehicle) is { } reason
            ? new PlateError(ErrorCodes.NotEligible, Eligibility.Describe(reason)) { Reason = reason }
            : null;

    /// <summary>
    /// Confirms the vehicle and office information and accepts the current notice. The office's rules of this moment,
    /// the ones the accepted notice describes, are the rules of this selection to its end.
    /// </summary>
    public SelectionReply ConfirmInfo(string noticeVersion, OfficeSnapshot office)
    {
        var current = office.Notice;
        if (state.Stage != SelectionStage.ConfirmInfo)
        {
            return WrongStage("信息已确认。");
        }

        if (noticeVersion != current.Version)
        {
            return PlateError.Validation("noticeVersion", $"须阅读并同意当前版本的业务须知（{current.Version}）。");
        }

        Changed = true;
        state.Rules = office.Settings.Rules;
        state.NoticeVersion = noticeVersion;
        state.NoticeAcceptedAt = Now;
        state.Stage = SelectionStage.ServiceInfo;
        return View();
    }

    /// <summary>"Start selection" on the service explanation: on to identity verification.</summary>
    public SelectionReply Start()
    {
        if (state.Stage != SelectionStage.ServiceInfo)
        {
            return WrongStage("当前步骤不能开始选号。");
        }

        Changed = true;
        state.Stage = SelectionStage.VerifyIdentity;
        return View();
    }

    /// <summary>
    /// Why no code may be sent now (wrong stage, no phone on record, the cooldown), or null. The daily cap per phone
    /// is the grain's to ask after this, so that a refused request does not count against it.
    /// </summary>
    public PlateError? SmsCodeRefusal()
    {
        if (state.Stage != SelectionStage.VerifyIdentity)
        {
            return WrongStage("当前步骤不需要短信验证码。");
        }

        if (!simulation && state.Phone is null)
        {
            return new PlateError(ErrorCodes.NoPhoneOnRecord, "车管所没有该车辆所有人的手机号码记录，请持身份证件到车管所窗口核验。");
        }

        var now = Now;
        if (state.Sms is { } previous && previous.ResendAfter > now)
        {
            var wait = (int)Math.Ceiling((previous.ResendAfter - now).TotalSeconds);
            return new PlateError(ErrorCodes.SmsCooldown, $"验证码已发送，请 {wait} 秒后再试。") { RetryAfterSeconds = wait };
        }

        return null;
    }

    /// <summary>Sends a verification code to the owner's phone on the office's record (a simulation sends nothing).</summary>
    public SelectionReply SendSmsCode()
    {
        if (SmsCodeRefusal() is { } refusal)
        {
            return refusal;
        }

        var now = Now;
        var rules = state.Rules;
        var code = random.Next(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var sms = new SmsChallenge(
            CodeHash: HashCode(code),
            SentAt: now,
            ExpiresAt: now.AddSeconds(rules.SmsCodeSeconds),
            ResendAfter: now.AddSeconds(Math.Max(rules.SmsCooldownSeconds, OfficeRules.MinSmsCooldownSeconds)),
            // Whole milliseconds, as the JSON carries it: a client that waits until the moment it was told must not
            // be a fraction of a millisecond too early.
            ConfirmEnabledAt: simulation ? now : WholeMilliseconds(now.AddSeconds(rules.SmsConfirmDelaySeconds)),
            AttemptsLeft: rules.SmsAttempts);
        Changed = true;
        state.Sms = sms;
        if (!simulation && state.Phone is { } phone)
        {
            _events.Add(new SelectionEvent.CodeSent(now, phone, code));
        }

        return new SmsCodeSent(Phones.Mask(state.Phone), sms.ResendAfter, sms.ConfirmEnabledAt, sms.ExpiresAt, simulation, now);
    }

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset moment) =>
        new(moment.Ticks - (moment.Ticks % TimeSpan.TicksPerMillisecond), moment.Offset);

    /// <summary>Checks the verification code; a simulation takes any six digits.</summary>
    public SelectionReply Verify(string code)
    {
        if (state.Stage != SelectionStage.VerifyIdentity)
        {
            return WrongStage("当前步骤不需要验证身份。");
        }

        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return PlateError.Validation("code", "验证码是 6 位数字。");
        }

        if (!simulation)
        {
            var now = Now;
            if (state.Sms is not { } sms || sms.Used || sms.ExpiresAt <= now)
            {
                return new PlateError(ErrorCodes.SmsCodeExpired, "验证码已失效或尚未发送，请重新获取。");
            }

            if (sms.AttemptsLeft <= 0)
            {
                return new PlateError(ErrorCodes.SmsAttemptsExceeded, "验证码错误次数过多，请重新获取。");
            }

            if (now < sms.ConfirmEnabledAt)
            {
                return new PlateError(ErrorCodes.SmsTooEarly, "请在倒计时结束后再确认。") { RetryAfterSeconds = (int)Math.Ceiling((sms.ConfirmEnabledAt - now).TotalSeconds) };
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCode(code)), Encoding.ASCII.GetBytes(sms.CodeHash)))
            {
                Changed = true;
                state.Sms = sms with { AttemptsLeft = sms.AttemptsLeft - 1 };
                return new PlateError(ErrorCodes.SmsCodeInvalid, "验证码错误。") { AttemptsLeft = sms.AttemptsLeft - 1 };
            }
        }

        Changed = true;
        state.Sms = state.Sms is { } used ? used with { Used = true } : null;
        state.Stage = SelectionStage.Drawing;
        return View();
    }

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
    /// Confirms one valid backup: the number is reserved in the ledger first, then the selection is done. Confirming the
    /// number already confirmed answers the view again: a client retrying after a lost answer hears that it worked.
    /// </summary>
    public async Task<SelectionReply> ConfirmAsync(string plate)
    {
        if (state.Stage == SelectionStage.Completed && state.Selected?.Plate == plate)
        {
            return View();
        }

        if (state.Stage != SelectionStage.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (!PlateSerials.IsNevPlate(plate))
        {
            return PlateError.Validation("plate", "号牌号码格式不正确。");
        }

        var now = Now;
        if (!state.Backups.Contains(plate))
        {
            return new PlateError(ErrorCodes.PlateNotInBackups, "该号牌不在备选号牌中。");
        }

        if (state.BackupsExpireAt <= now)
        {
            return new PlateError(ErrorCodes.BackupExpired, "备选号牌已失效。");
        }

        var error = await ReserveAsync(plate, ConfirmedBy.User, now);
        if (error is not null)
        {
            if (error.Code == ErrorCodes.PlateUnavailable)
            {
                Changed = true;
                state.Backups.Remove(plate);
            }

            return error;
        }

        return View();
    }

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

    /// <summary>Reserves a number and completes the selection; reconciles when the ledger already has one for the vehicle.</summary>
    private async Task<PlateError?> ReserveAsync(string plate, ConfirmedBy by, DateTimeOffset now)
    {
        var exchangeBy = OfficeCalendar.LocalDate(now).AddDays(state.Rules.ValidityDays);
        var reservation = new PoolReservation(state.Vin, plate, by, now, exchangeBy, simulation ? null : NewVoucherCode());
        var result = await plates.ReserveAsync(reservation);
        if (result.Existing is not null || result.Reserved)
        {
            Complete(result.Existing ?? reservation);
        }
        else
        {
            return result.Error ?? new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。");
        }

        var others = state.Backups.Concat(state.Batch?.Plates ?? []).Where(p => p != state.Selected!.Plate).Distinct().ToArray();
        if (others.Length > 0)
        {
            await plates.ReleaseAsync(state.Vin, others);
        }

        return null;
    }

    /// <summary>Done: the reservation the ledger has is the selection's. A row written before vouchers existed gets one now.</summary>
    private void Complete(PoolReservation reservation)
    {
        var selected = new SelectedView(
            reservation.Plate,
            reservation.ReservedAt,
            reservation.By,
            simulation ? null : reservation.ExchangeBy,
            simulation ? null : reservation.VoucherCode ?? NewVoucherCode(),
            Appointment: null);
        Changed = true;
        state.Selected = selected;
        state.Stage = SelectionStage.Completed;
        state.AutoConfirmAt = null;
        _events.Add(new SelectionEvent.Confirmed(Now, selected, state.Phone));
    }

    /// <summary>
    /// The vehicle changed hands (re-imported with another owner): the selection follows the vehicle. The new owner
    /// must enter and verify their own phone; the former owner can no longer act on it.
    /// </summary>
    public void VehicleChanged(VehicleRecord vehicle)
    {
        if (state.Stage is null || (state.OwnerIdNumber == vehicle.OwnerIdNumber && state.Phone == vehicle.OwnerPhone))
        {
            return;
        }

        Changed = true;
        state.Phone = vehicle.OwnerPhone;
        if (state.OwnerIdNumber == vehicle.OwnerIdNumber)
        {
            return;
        }

        state.OwnerIdNumber = vehicle.OwnerIdNumber;
        if (state.Selected is null)
        {
            // Nothing confirmed yet: the selection becomes the new owner's. A confirmed one stays the applicant's,
            // whose blacklist a lapse would be.
            (state.ApplicantUsername, state.ApplicantIdNumber) = (null, null);
        }

        if (state.InProgress)
        {
            state.Stage = SelectionStage.ServiceInfo;
        }
    }

    /// <summary>Adopts a reservation the ledger holds for this vehicle (after a crash between ledger and state).</summary>
    public bool Reconcile(PoolReservation reservation)
    {
        if (state.Selected is not null || !state.InProgress)
        {
            return false;
        }

        Complete(reservation);
        return true;
    }

    /// <summary>
    /// The plate was exchanged at the window (an operator's step, whatever the online opening hours): the number is
    /// issued in the ledger first, then the selection is exchanged. An exchanged selection answers its view again.
    /// </summary>
    public async Task<SelectionReply> ExchangeAsync(string operatorUsername)
    {
        if (state.Stage == SelectionStage.Exchanged)
        {
            return View();
        }

        if (simulation || state.Stage != SelectionStage.Completed || state.Selected is not { } selected)
        {
            return WrongStage("只有已完成预选、尚未换牌的号牌可以办理换牌。");
        }

        var now = Now;
        if (!await plates.IssueAsync(state.Vin, selected.Plate, now))
        {
            return new PlateError(ErrorCodes.PlateUnavailable, "号牌登记中没有该车辆的这条预选记录。");
        }

        Changed = true;
        state.Stage = SelectionStage.Exchanged;
        state.Selected = selected with { ExchangedAt = now };
        _events.Add(new SelectionEvent.Exchanged(now, selected.Plate, operatorUsername));
        return View();
    }

    /// <summary>
    /// The deadline passed without an exchange: the number goes back to the pool (ledger first) and the applicant is
    /// blacklisted for the office's blacklist days, counted from the deadline, whenever this runs.
    /// </summary>
    private async Task LapseAsync(DateTimeOffset deadline, DateTimeOffset now)
    {
        var plate = state.Selected!.Plate;
        await plates.ReleaseReservationAsync(state.Vin, plate, now);
        Changed = true;
        state.Stage = SelectionStage.Lapsed;
        state.LapsedAt = deadline;
        _events.Add(new SelectionEvent.Lapsed(now, plate, state.ApplicantIdNumber ?? state.OwnerIdNumber, state.ApplicantUsername, deadline.AddDays(state.Rules.BlacklistDays), state.Phone));
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

    private PlateError DrawsExhausted() =>
        new(ErrorCodes.DrawsExhausted, "随机选号次数已用完，系统将自动确认最后一批随机号牌中的第一个号牌。") { AutoConfirmAt = state.AutoConfirmAt };

    private PlateError WrongStage(string detail) => PlateError.WrongStage(state.Stage ?? SelectionStage.ConfirmInfo, detail);

    /// <summary>The Selection view at this moment: lapsed batches and backups read as null.</summary>
    public SelectionView View()
    {
        var now = Now;
        var batch = state.Batch is { } b && b.ExpiresAt > now && state.Selected is null
            ? new BatchView(b.Number, b.Plates, b.ExcludeFour, b.ExpiresAt, b.BackupTaken)
            : null;
        var backups = state.Backups.Count > 0 && state.BackupsExpireAt is { } until && until > now && state.Selected is null
            ? new BackupsView([.. state.Backups], until)
            : null;
        return new SelectionView(
            state.Vin,
            state.OfficeCode,
            simulation,
            state.Stage ?? SelectionStage.ConfirmInfo,
            state.Rules.DrawsPerVehicle,
            Math.Max(0, state.RemainingDraws),
            batch,
            backups,
            state.Selected,
            now)
        {
            AutoConfirmAt = PendingAutoConfirm,
        };
    }

    /// <summary>Whether a text could be a voucher code (the window types it from the printed voucher).</summary>
    private string NewVoucherCode() =>
        string.Create(VoucherCodes.Length, random, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = VoucherCodes.Alphabet[source.Next(VoucherCodes.Alphabet.Length)];
            }
        });

    private string HashCode(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{state.Vin}:{code}")));
}

/// <summary>What <see cref="SelectionRules.CatchUpAsync"/> did: whether the state changed, or what kept it from acting.</summary>
public readonly record struct CatchUp(bool Changed, PlateError? Error)
{
    public static CatchUp Nothing => new(false, null);

    public static CatchUp Done => new(true, null);
}
