using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// What a formal selection and a simulation share: running a step through <see cref="SelectionRules"/> with the
/// office gate and ownership checks, replaying answers by <c>Idempotency-Key</c>, and a grain timer that makes the
/// auto-confirm happen at its moment with nobody calling. Subclasses say where numbers come from and what is kept.
/// </summary>
public abstract class SelectionGrainBase(TimeProvider time) : Grain, ISelectionFlow
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

    private SelectionRules? _rules;
    private IGrainTimer? _wakeUp;

    /// <summary>Whether the state in memory is ahead of the store (steps before drawing: see <see cref="StoresAtOnce"/>).</summary>
    private bool _unstored;

    protected TimeProvider Time => time;

    protected abstract SelectionState State { get; }

    protected abstract bool IsSimulation { get; }

    /// <summary>The VIN this grain is about.</summary>
    protected abstract string Vin { get; }

    /// <summary>Where this selection's numbers come from, once its office is known.</summary>
    protected abstract IPlateSource CreatePlateSource(OfficeSnapshot office);

    /// <summary>
    /// Delivers what a step did (SMS, audit) and, when <paramref name="store"/> (or when it must, say for a new
    /// reminder), keeps the state; answers whether the state is now kept. A simulation keeps nothing.
    /// <paramref name="nextWakeUp"/> is when something must next happen by itself, for a durable reminder.
    /// </summary>
    protected abstract Task<bool> PersistAsync(IReadOnlyList<SelectionEvent> events, DateTimeOffset? nextWakeUp, bool store);

    public async Task<SelectionReply> ExecuteAsync(Caller caller, SelectionCommand command, string? idempotencyKey)
    {
        if (idempotencyKey is not null && IdempotentReplies.Find(State.Replies, idempotencyKey, time.GetUtcNow()) is { } first)
        {
            return caller.IdNumber != State.OwnerIdNumber
                ? new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。")
                : first.Command == command
                    ? first.Reply
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
            IdempotentReplies.Remember(State.Replies, new IdempotentReply(idempotencyKey, command, reply, time.GetUtcNow()));

            await SaveAsync(force: true, store: StoresAtOnce(command));
        }
        else
        {
            await SaveAsync(force: false, store: StoresAtOnce(command));
        }

        return reply;
    }

    /// <summary>
    /// Whether a step's state is stored before its answer. Not for the steps before drawing (entering, the
    /// information and the notice, starting, the SMS code and its verification): they stay in memory until the first
    /// draw stores them with its own, or until the activation ends. Should a silo crash meanwhile, the applicant is
    /// asked for those steps again, and nothing else is lost; a draw, a backup and a confirmation are always stored.
    /// </summary>
    private static bool StoresAtOnce(SelectionCommand command) =>
        command is not (SelectionCommand.Enter or SelectionCommand.ConfirmInfo or SelectionCommand.Start
            or SelectionCommand.SendSmsCode or SelectionCommand.Verify);

    /// <summary>
    /// After a step failed midway: what is in memory may be half of it, so the activation ends without storing it
    /// (steps before drawing not yet stored are lost with it and asked for again) and the next call starts from the store.
    /// </summary>
    private void StartOverFromStore()
    {
        _unstored = false;
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_unstored)
        {
            try
            {
                await PersistAsync([], _rules?.NextWakeUp, store: true);
            }
            catch (Exception e)
            {
                ServiceProvider.GetRequiredService<ILogger<SelectionGrainBase>>()
                    .LogWarning(e, "Selection {Vin} ended its activation with steps before drawing not stored", Vin);
            }
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<SelectionReply> ReadAsync(Caller caller)
    {
        if (_rules is null && State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        var rules = await GetRulesAsync(officeCode: State.OfficeCode);
        if (rules.CheckReader(caller) is { } denied)
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
        var rejection = rules.CheckActor(caller) ?? rules.CheckOffice(office);
        if (rejection is not null)
        {
            return rejection;
        }

        if (!IsSimulation)
        {
            var account = await GrainFactory.Account(caller.Username).GetAsync();
            var refusal = account is null ? new PlateError(ErrorCodes.Unauthenticated, "账户不存在。") : rules.CheckBlacklist(account);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        var caughtUp = await rules.CatchUpAsync();
        if (caughtUp.Error is not null)
        {
            return caughtUp.Error;
        }

        return command switch
        {
            SelectionCommand.ConfirmInfo c => rules.ConfirmInfo(c.NoticeVersion, office),
            SelectionCommand.Start => rules.Start(),
            SelectionCommand.SendSmsCode => rules.SendSmsCode(),
            SelectionCommand.Verify v => rules.Verify(v.Code),
            SelectionCommand.Draw d => await rules.DrawAsync(d.ExcludeFour),
            SelectionCommand.AddBackup b => await rules.AddBackupAsync(b.Plate),
            SelectionCommand.Confirm c => await rules.ConfirmAsync(c.Plate),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown selection command."),
        };
    }

    private async Task<SelectionReply> EnterAsync(Caller caller)
    {
        var account = await GrainFactory.Account(caller.Username).GetAsync();
        if (account is null)
        {
            return new PlateError(ErrorCodes.Unauthenticated, "账户不存在。");
        }

        var vehicle = await GrainFactory.GetGrain<IVehicleGrain>(Vin).GetAsync();
        var office = vehicle is null ? null : await GetOfficeAsync(vehicle.OfficeCode);
        if (office is null)
        {
            return PlateError.NotFound(vehicle is null ? "未找到该车辆。" : "该车辆所属车管所未开通网上选号。");
        }

        var rules = await GetRulesAsync(office);
        var caughtUp = await rules.CatchUpAsync();
        return caughtUp.Error ?? rules.Enter(new EntryFacts(office, vehicle, account));
    }

    private Task<OfficeSnapshot?> GetOfficeAsync(string officeCode) =>
        GrainFactory.GetGrain<IOfficeGrain>(officeCode).GetAsync();

    private async Task<SelectionRules> GetRulesAsync(string officeCode) =>
        _rules ?? await GetRulesAsync(await GetOfficeAsync(officeCode)
            ?? new OfficeSnapshot(officeCode, new OfficeSettings { Name = officeCode, Prefix = "", Province = "" }, new BusinessNotice("", ""), PoolPublication.Empty));

    private Task<SelectionRules> GetRulesAsync(OfficeSnapshot office)
    {
        _rules ??= new SelectionRules(State, CreatePlateSource(office), time, IsSimulation);
        return Task.FromResult(_rules);
    }

    /// <summary>The rules of an entered selection, for work that starts without a caller (activation, timers).</summary>
    protected Task<SelectionRules> GetRulesForStateAsync() => GetRulesAsync(State.OfficeCode);

    /// <summary>
    /// Persists and delivers when the last step changed anything (or when forced), then sets the timer. Unless
    /// <paramref name="store"/>, a step that did no more than send an SMS code only delivers it.
    /// </summary>
    protected async Task SaveAsync(bool force, bool store = true)
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
                var stored = await PersistAsync(events, _rules.NextWakeUp, store || events.Any(e => e is not SelectionEvent.CodeSent));
                _unstored = !stored;
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
    protected void ScheduleWakeUp(TimeSpan? after = null)
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
            _wakeUp = this.RegisterGrainTimer(
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
    protected async Task<DateTimeOffset?> WakeUpAsync()
    {
        if (State.Stage is null)
        {
            return null;
        }

        var rules = await GetRulesForStateAsync();
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
    protected async Task<SelectionReply> RunOfficeStepAsync(Func<SelectionRules, Task<SelectionReply>> step)
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
