using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Accounts;

/// <summary>What is stored of a person or unit.</summary>
[GenerateSerializer, Alias("OwnerGrainState")]
public sealed class OwnerGrainState
{
    [Id(0)] public SortedSet<string> Vins { get; set; } = [];
    /// <summary>Every account registered with this ID number, oldest first (at most one enabled).</summary>
    [Id(1)] public List<string> Usernames { get; set; } = [];
    /// <summary>
    /// The account that holds the ID number. Written before the account is created, so that a crash in between leaves
    /// a holder whose account does not exist, which the next registration sees and replaces.
    /// </summary>
    [Id(2)] public string? Holder { get; set; }
    [Id(3)] public DateTimeOffset? BlacklistedUntil { get; set; }
}

/// <summary>
/// A person (by ID number) or unit (by unified social credit code): the link between its accounts and its vehicles,
/// the guard of "one person, one account", and the blacklist that follows the person into every account it holds.
/// </summary>
public sealed class OwnerGrain(
    [PersistentState("owner")] IPersistentState<OwnerGrainState> state) : Grain, IOwnerGrain
{
    private OwnerGrainState State => state.State;

    public Task<OwnerRecord> GetAsync() =>
        Task.FromResult(new OwnerRecord([.. State.Vins], [.. State.Usernames], State.Holder, State.BlacklistedUntil));

    public Task<IReadOnlyList<string>> GetVinsAsync() => Task.FromResult<IReadOnlyList<string>>([.. State.Vins]);

    public Task<DateTimeOffset?> GetBlacklistedUntilAsync() => Task.FromResult(State.BlacklistedUntil);

    public async Task AddVinAsync(string vin)
    {
        if (State.Vins.Add(vin))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveVinAsync(string vin)
    {
        if (State.Vins.Remove(vin))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<Outcome<AccountRecord>> RegisterAsync(AccountRecord account)
    {
        if (await HeldByAnotherAsync(account.Username))
        {
            return IdNumberTaken();
        }

        var previous = State.Holder;
        State.Holder = account.Username;
        await state.WriteStateAsync();
        var created = await GrainFactory.Account(account.Username).CreateAsync(account);
        if (created.Error is not null)
        {
            State.Holder = previous;
        }
        else if (!State.Usernames.Contains(account.Username, StringComparer.OrdinalIgnoreCase))
        {
            State.Usernames.Add(account.Username);
        }

        await state.WriteStateAsync();
        return created;
    }

    public async Task ReleaseAsync(string username)
    {
        if (string.Equals(State.Holder, username, StringComparison.OrdinalIgnoreCase))
        {
            State.Holder = null;
            await state.WriteStateAsync();
        }
    }

    public async Task<Outcome<AccountRecord>> ReclaimAsync(string username)
    {
        if (await HeldByAnotherAsync(username))
        {
            return IdNumberTaken();
        }

        var account = await GrainFactory.Account(username).SetDisabledAsync(false);
        if (account is null)
        {
            return PlateError.NotFound("用户不存在。");
        }

        State.Holder = account.Username;
        await state.WriteStateAsync();
        return account;
    }

    public async Task BlacklistAsync(DateTimeOffset until)
    {
        if (State.BlacklistedUntil is null || State.BlacklistedUntil < until)
        {
            State.BlacklistedUntil = until;
            await state.WriteStateAsync();
        }

        await TellSelectionsAsync();
    }

    public async Task LiftBlacklistAsync()
    {
        if (State.BlacklistedUntil is not null)
        {
            State.BlacklistedUntil = null;
            await state.WriteStateAsync();
        }

        await TellSelectionsAsync();
    }

    /// <summary>
    /// The selections of the person's vehicles keep the blacklist (they check it on every step): each is told before
    /// the change is answered. Also when nothing changed: a caller retrying after a failed push pushes again.
    /// </summary>
    private Task TellSelectionsAsync()
    {
        var idNumber = this.GetPrimaryKeyString();
        return Task.WhenAll(State.Vins.Select(vin =>
            GrainFactory.Get<ISelectionSessionGrain>(vin).BlacklistChangedAsync(idNumber, State.BlacklistedUntil)));
    }

    /// <summary>Whether an enabled account other than <paramref name="username"/> holds this ID number.</summary>
    private async Task<bool> HeldByAnotherAsync(string username)
    {
        if (State.Holder is not { } holder || string.Equals(holder, username, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var account = await GrainFactory.Account(holder).GetAsync();
        return account is { Disabled: false } && account.IdNumber == this.GetPrimaryKeyString();
    }

    private static PlateError IdNumberTaken() =>
        new(ErrorCodes.IdNumberTaken, "该身份证号码或统一社会信用代码已注册账户。如非本人注册，请持身份证件到车管所窗口办理。");
}
