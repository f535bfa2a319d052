using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// How a step runs in the grain it belongs to, for a formal selection and a practice run alike: the answer replayed by
/// <c>Idempotency-Key</c>, the office gate and ownership checks, the step through <see cref="SelectionRules"/>, what it
/// changed kept (through the <see cref="ISelectionKind"/>, which says where numbers come from and what is kept), and a
/// grain timer that makes the auto-confirm happen at its moment with nobody calling. The grain builds one on activation.
/// </summary>
public sealed class SelectionSteps(IGrainBase grain, string vin, SelectionState state, ISelectionKind kind, TimeProvider time)
{
    /// <summary>How long to wait before trying a due auto-confirm again when the ledger did not answer.</summary>
    private static readonly TimeSpan _retryDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How far ahead the grain timer is armed. Beyond it (an exchange deadline days away) the durable reminder alone
    /// wakes the grain: a timer that keeps the activation alive would hold every completed selection in memory.
    /// </summary>
    private static readonly TimeSpan _timerHorizon = TimeSpan.FromMinutes(15);

    /// <summary>Errors that say "not now" rather than "no": a retry with the same key should run again.</summary>
    private static readonly HashSet<string> _transientCodes = [ErrorCodes.Unavailable, ErrorCodes.Maintenance, ErrorCodes.SelectionClosed];

    /// <summary>
    /// How long the office and the blacklist kept here are used without being fetched again. Changes are pushed here
    /// at once (<see cref="OfficeChangedAsync"/>, <see cref="BlacklistChangedAsync"/>); this bounds only what a lost
    /// push leaves stale, such as when the office's grain moved to another silo and forgot its watchers.
    /// </summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(30);

    private SelectionRules? _rules;
    private IGrainTimer? _wakeUp;

    // What the steps check, kept between them (a grain call each saved per step) and replaced by pushes.
    private Kept<OfficeSnapshot?> _office;
    private Kept<DateTimeOffset?> _blacklist;

    /// <summary>Counts pushes, so that a fetch answered after a push does not overwrite the newer pushed value.</summary>
    private long _pushes;

    private readonly IGrainFactory _grains = grain.GrainContext.ActivationServices.GetRequiredService<IGrainFactory>();

    /// <summary>Orleans' serializer, for the answers kept for replay; looked up once per activation, not per step.</summary>
    private readonly Serializer _serializer = grain.GrainContext.ActivationServices.GetRequiredService<Serializer>();

    private AppointmentSteps? _appointments;

    /// <summary>Appointments are booked in the office's day grains; each change is stored before any day changes.</summary>
    private AppointmentSteps Appointments => _appointments ??= new AppointmentSteps(_grains, vin, state, () => SaveAsync(force: true));

    private SelectionState State => state;

    public async Task<SelectionReply> ExecuteAsync(Caller caller, SelectionCommand command, string? idempotencyKey)
    {
        if (idempotencyKey is not null && IdempotentReplies.Find(State.Replies, idempotencyKey, time.GetUtcNow()) is { } first)
        {
            return caller.IdNumber != State.OwnerIdNumber
                ? new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。")
                : first.Command == command
                    ? IdempotentReplies.AnswerOf(first, _serializer)
                    : new PlateError(ErrorCodes.IdempotencyKeyReused, "该 Idempotency-Key 已用于另一个请求。");
        }

        SelectionReply reply;
        try
        {
            reply = await RunAsync(caller, command);
        }
        catch
        {
            // A step that failed midway (the pool or the database did not answer) may have changed the state in memory
            // only: start over from the store on the next call, so that the failed step leaves nothing behind.
            StartOverFromStore();
            throw;
        }

        if (idempotencyKey is not null && (reply.Error is null || !_transientCodes.Contains(reply.Error.Code)) && State.Stage is not null)
        {
            IdempotentReplies.Remember(State.Replies, IdempotentReplies.Of(idempotencyKey, command, reply, time.GetUtcNow(), _serializer));

            await SaveAsync(force: true);
        }
        else
        {
            await SaveAsync(force: false);
        }

        return reply;
    }

    /// <summary>
    /// After a step failed midway: what is in memory may be half of it, so the activation ends without storing it and
    /// the next call starts from the store (where every step that answered is).
    /// </summary>
    private void StartOverFromStore() => grain.DeactivateOnIdle();

    public async Task<SelectionReply> ReadAsync(Caller caller)
    {
        if (_rules is null && State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        var rules = await GetRulesAsync(officeCode: State.OfficeCode);
        if (rules.Entry.CheckReader(caller) is { } denied)
        {
            return denied;
        }

        var caughtUp = await rules.CatchUpAsync();
        await SaveAsync(force: false);
        return caughtUp.Error ?? (SelectionReply)rules.View();
    }

    private async Task<SelectionReply> RunAsync(Caller caller, SelectionCommand command)
    {
        if (command is SelectionCommand.Enter)
        {
            return await EnterAsync(caller);
        }

        if (State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号，请先进入选号。");
        }

        var office = await GetOfficeAsync(State.OfficeCode);
        if (office is null)
        {
            return PlateError.NotFound("该车辆所属车管所不存在。");
        }

        var rules = await GetRulesAsync(office);
        var rejection = rules.Entry.CheckActor(caller) ?? rules.Entry.CheckOffice(office);
        if (rejection is not null)
        {
            return rejection;
        }

        if (kind.Mode.ChecksBlacklist && caller.IdNumber is { } idNumber
            && rules.Entry.CheckBlacklist(await GetBlacklistedUntilAsync(idNumber)) is { } blacklisted)
        {
            return blacklisted;
        }

        var caughtUp = await rules.CatchUpAsync();
        if (caughtUp.Error is not null)
        {
            return caughtUp.Error;
        }

        return command switch
        {
            SelectionCommand.ConfirmInfo c => rules.Entry.ConfirmInfo(c.NoticeVersion, office),
            SelectionCommand.Start => rules.Entry.Start(),
            SelectionCommand.SendSmsCode => await SendSmsCodeAsync(rules),
            SelectionCommand.Verify v => rules.Sms.Verify(v.Code),
            SelectionCommand.Draw d => await rules.Drawing.DrawAsync(d.ExcludeFour),
            SelectionCommand.AddBackup b => await rules.Drawing.AddBackupAsync(b.Plate),
            SelectionCommand.Confirm c => await rules.Completion.ConfirmAsync(c.Plate),
            SelectionCommand.BookAppointment b => await Appointments.BookAsync(rules, office, b),
            SelectionCommand.CancelAppointment => await Appointments.CancelAsync(rules),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown selection command."),
        };
    }

    /// <summary>A code, unless refused by the rules or by the daily cap of the phone it would go to.</summary>
    private async Task<SelectionReply> SendSmsCodeAsync(SelectionRules rules)
    {
        if (rules.Sms.SmsCodeRefusal() is { } refusal)
        {
            return refusal;
        }

        if (kind.Mode.SendsCodes && State.Phone is { } phone && await _grains.Get<ISmsQuotaGrain>(phone).TryTakeAsync() is { } next)
        {
            var wait = (int)Math.Ceiling((next - time.GetUtcNow()).TotalSeconds);
            return new PlateError(ErrorCodes.SmsCooldown, "该手机号码今日接收验证码的次数已达上限，请明日再试。") { RetryAfterSeconds = Math.Max(1, wait) };
        }

        return rules.Sms.SendSmsCode();
    }

    private async Task<SelectionReply> EnterAsync(Caller caller)
    {
        var account = await _grains.Account(caller.Username).GetAsync();
        if (account is null)
        {
            return new PlateError(ErrorCodes.Unauthenticated, "账户不存在。");
        }

        var vehicle = await _grains.Get<IVehicleGrain>(vin).GetAsync();
        var office = vehicle is null ? null : await GetOfficeAsync(vehicle.OfficeCode);
        if (office is null)
        {
            return PlateError.NotFound(vehicle is null ? "未找到该车辆。" : "该车辆所属车管所未开通网上选号。");
        }

        var blacklistedUntil = account.IdNumber is { } idNumber ? await GetBlacklistedUntilAsync(idNumber) : null;
        var rules = await GetRulesAsync(office);
        var caughtUp = await rules.CatchUpAsync();
        return caughtUp.Error ?? rules.Entry.Enter(new EntryFacts(office, vehicle, account, blacklistedUntil));
    }

    public Task OfficeChangedAsync(OfficeSnapshot office)
    {
        _pushes++;
        _office = new Kept<OfficeSnapshot?>(office.Code, office);
        return Task.CompletedTask;
    }

    public Task BlacklistChangedAsync(string idNumber, DateTimeOffset? blacklistedUntil)
    {
        _pushes++;
        _blacklist = new Kept<DateTimeOffset?>(idNumber, blacklistedUntil);
        return Task.CompletedTask;
    }

    /// <summary>The grain is going away: the office stops pushing to it.</summary>
    public void Deactivating(DeactivationReason reason)
    {
        // A silo shutting down takes the office's watchers with it (and may have deactivated the office already).
        if (_office.Key is { } officeCode && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            // One-way: the office stops pushing here; nothing waits for it.
            _ = _grains.Get<IOfficeGrain>(officeCode).UnwatchAsync(grain.GrainContext.GrainId);
        }
    }

    /// <summary>The office as kept here, or fetched (and watched from then on).</summary>
    private async Task<OfficeSnapshot?> GetOfficeAsync(string officeCode)
    {
        if (_office.IsFor(officeCode))
        {
            return _office.Value;
        }

        var pushes = _pushes;
        var office = await _grains.Get<IOfficeGrain>(officeCode).WatchAsync(grain.GrainContext.GrainId);
        if (pushes == _pushes)
        {
            _office = new Kept<OfficeSnapshot?>(officeCode, office);
        }

        return office;
    }

    /// <summary>The end of a person's blacklist as kept here, or fetched from the person.</summary>
    private async Task<DateTimeOffset?> GetBlacklistedUntilAsync(string idNumber)
    {
        if (_blacklist.IsFor(idNumber))
        {
            return _blacklist.Value;
        }

        var pushes = _pushes;
        var until = await _grains.Get<IOwnerGrain>(idNumber).GetBlacklistedUntilAsync();
        if (pushes == _pushes)
        {
            _blacklist = new Kept<DateTimeOffset?>(idNumber, until);
        }

        return until;
    }

    /// <summary>A value kept for a key (an office code, an ID number) since a moment of the process's clock.</summary>
    private readonly record struct Kept<T>(string? Key, T Value)
    {
        private readonly long _since = Environment.TickCount64;

        public bool IsFor(string key) => Key == key && Environment.TickCount64 - _since < KeptFor.TotalMilliseconds;
    }

    private async Task<SelectionRules> GetRulesAsync(string officeCode) =>
        _rules ?? await GetRulesAsync(await GetOfficeAsync(officeCode)
            ?? new OfficeSnapshot(officeCode, new OfficeSettings { Name = officeCode, Prefix = "", Province = "" }, new BusinessNotice("", ""), PoolPublication.Empty));

    private Task<SelectionRules> GetRulesAsync(OfficeSnapshot office)
    {
        _rules ??= new SelectionRules(State, kind.NumbersFor(office), time, kind.Mode, SystemRandomSource.Instance);
        return Task.FromResult(_rules);
    }

    /// <summary>The rules of an entered selection, for work that starts without a caller (activation, timers).</summary>
    public Task<SelectionRules> GetRulesForStateAsync() => GetRulesAsync(State.OfficeCode);

    /// <summary>Persists and delivers when the last step changed anything (or when forced), then sets the timer.</summary>
    public async Task SaveAsync(bool force)
    {
        if (_rules is null)
        {
            return;
        }

        var changed = _rules.Changed;
        var events = _rules.TakeEvents();
        if (changed || force || events.Count > 0)
        {
            try
            {
                await kind.KeepAsync(events, _rules.NextWakeUp);
            }
            catch
            {
                // What is in memory may now differ from what is stored: start over from the store on the next call.
                StartOverFromStore();
                throw;
            }
        }

        ScheduleWakeUp();
    }

    /// <summary>Arms the one timer for the next moment something must happen by itself (soon enough), or disarms it.</summary>
    private void ScheduleWakeUp(TimeSpan? after = null)
    {
        var wait = after ?? _rules?.NextWakeUp - time.GetUtcNow();
        if (wait is not { } delay || delay > _timerHorizon)
        {
            _wakeUp?.Dispose();
            _wakeUp = null;
            return;
        }

        delay = (delay > TimeSpan.Zero ? delay : TimeSpan.Zero) + TimeSpan.FromMilliseconds(10);
        if (_wakeUp is null)
        {
            _wakeUp = grain.RegisterGrainTimer(
                WakeUpAsync,
                new GrainTimerCreationOptions { DueTime = delay, Period = Timeout.InfiniteTimeSpan, Interleave = false, KeepAlive = true });
        }
        else
        {
            _wakeUp.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The timer's (and the reminder's) work: catch up (auto-confirm), keep the result, and try again shortly if the
    /// ledger did not answer. Answers when something is due next.
    /// </summary>
    public async Task<DateTimeOffset?> WakeUpAsync()
    {
        if (State.Stage is null)
        {
            return null;
        }

        var rules = await GetRulesForStateAsync();
        if (State.AppointmentChange is not null)
        {
            await Appointments.RepairAsync(rules);
        }

        var caughtUp = await rules.CatchUpAsync();
        await SaveAsync(force: false);
        if (caughtUp.Error is not null)
        {
            ScheduleWakeUp(_retryDelay);
        }

        return rules.NextWakeUp;
    }

    /// <summary>
    /// Runs a step taken by the office rather than the applicant (an exchange at the window): no caller checks, time
    /// caught up first, kept like any step; a failure midway starts over from the store.
    /// </summary>
    public async Task<SelectionReply> RunOfficeStepAsync(Func<SelectionRules, Task<SelectionReply>> step)
    {
        if (State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        SelectionReply reply;
        try
        {
            var rules = await GetRulesForStateAsync();
            var caughtUp = await rules.CatchUpAsync();
            reply = caughtUp.Error ?? await step(rules);
        }
        catch
        {
            StartOverFromStore();
            throw;
        }

        await SaveAsync(force: false);
        return reply;
    }
}
