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
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account")] IPersistentState<AccountGrainState> state) : Grain, IAccountGrain
{
    public Task<AccountRecord?> GetAsync() => Task.FromResult(state.State.Account);

    public async Task<Outcome<AccountRecord>> CreateAsync(AccountRecord account)
    {
        if (state.State.Account is not null)
        {
            return new PlateError(ErrorCodes.UsernameTaken, $"用户名 {account.Username} 已被注册。");
        }

        state.State.Account = account;
        await state.WriteStateAsync();
        return account;
    }

    public async Task UpsertAsync(AccountRecord account)
    {
        state.State.Account = account with { BlacklistedUntil = state.State.Account?.BlacklistedUntil };
        await state.WriteStateAsync();
    }

    public Task BlacklistAsync(DateTimeOffset until) =>
        state.State.Account?.BlacklistedUntil >= until ? Task.CompletedTask : SetBlacklistAsync(until);

    public async Task SetBlacklistAsync(DateTimeOffset? until)
    {
        if (state.State.Account is { } account && account.BlacklistedUntil != until)
        {
            state.State.Account = account with { BlacklistedUntil = until };
            await state.WriteStateAsync();
        }
    }
}

/// <summary>The stored VINs of an owner.</summary>
[GenerateSerializer, Alias("OwnerGrainState")]
public sealed class OwnerGrainState
{
    [Id(0)] public SortedSet<string> Vins { get; set; } = [];
}

/// <summary>The vehicles of one person or unit: the link between an account's ID number and its VINs.</summary>
public sealed class OwnerGrain(
    [PersistentState("owner")] IPersistentState<OwnerGrainState> state) : Grain, IOwnerGrain
{
    public Task<IReadOnlyList<string>> GetVinsAsync() => Task.FromResult<IReadOnlyList<string>>([.. state.State.Vins]);

    public async Task AddVinAsync(string vin)
    {
        if (state.State.Vins.Add(vin))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveVinAsync(string vin)
    {
        if (state.State.Vins.Remove(vin))
        {
            await state.WriteStateAsync();
        }
    }
}
