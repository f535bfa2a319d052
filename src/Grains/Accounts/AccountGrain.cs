using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Accounts;

/// <summary>The stored account, null until created.</summary>
[GenerateSerializer, Alias("AccountGrainState")]
public sealed class AccountGrainState
{
    [Id(0)] public AccountRecord? Account { get; set; }
}

/// <summary>
/// An account. Passwords arrive already hashed: hashing is deliberately slow and runs in the API, off the grain's turn.
/// The activation keeps the account in memory, so the security stamp checked by the API costs no storage read;
/// it also remembers failed sign-ins (<see cref="SignInThrottle"/>), which need no storage either.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account")] IPersistentState<AccountGrainState> state,
    TimeProvider time) : Grain, IAccountGrain
{
    private readonly SignInThrottle _throttle = new(time);

    public Task<AccountRecord?> GetAsync() => Task.FromResult(state.State.Account);

    public async Task<Outcome<AccountRecord>> CreateAsync(AccountRecord account)
    {
        if (state.State.Account is not null)
        {
            return new PlateError(ErrorCodes.UsernameTaken, $"用户名 {account.Username} 已被注册。");
        }

        state.State.Account = account with { SecurityStamp = NewStamp(), Disabled = false };
        await state.WriteStateAsync();
        return state.State.Account;
    }

    public async Task UpsertAsync(AccountRecord account)
    {
        var existing = state.State.Account;
        var same = existing is not null && existing.PasswordHash == account.PasswordHash && existing.Role == account.Role && !existing.Disabled;
        state.State.Account = account with { SecurityStamp = same ? existing!.SecurityStamp : NewStamp(), Disabled = false };
        await state.WriteStateAsync();
        await TellApiNodesAsync();
    }

    public async Task<AccountRecord?> SetDisabledAsync(bool disabled)
    {
        if (state.State.Account is not { } account)
        {
            return null;
        }

        if (account.Disabled != disabled)
        {
            state.State.Account = account with { Disabled = disabled, SecurityStamp = NewStamp() };
            await state.WriteStateAsync();
            await TellApiNodesAsync();
        }

        return state.State.Account;
    }

    public Task<TimeSpan> SignInWaitAsync(string address) => Task.FromResult(_throttle.WaitFor(address));

    public Task RecordSignInAsync(string address, bool succeeded)
    {
        _throttle.Record(address, succeeded);
        return Task.CompletedTask;
    }

    /// <summary>The API nodes keep accounts for the token check: a changed one must be dropped before the change is answered.</summary>
    /// <remarks>A new account needs no telling: no node kept it.</remarks>
    private Task TellApiNodesAsync() =>
        GrainFactory.GetGrain<IAccountChangesGrain>(0).PublishAsync(state.State.Account!.Username);

    private static string NewStamp() => Guid.NewGuid().ToString("N");
}
