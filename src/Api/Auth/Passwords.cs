using Microsoft.AspNetCore.Identity;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// Password hashing and checking, the most expensive work a request can ask for, bounded: at most one hash per core
/// at a time, at most <see cref="MaxWaiting"/> requests waiting for a turn, each at most <see cref="MaxWait"/>; beyond
/// that a request is refused at once (429), so that a flood of sign-ins slows itself down and not the rest of the API. A check takes as long for an unknown
/// user as for a wrong password, so that usernames cannot be probed by timing.
/// </summary>
public sealed class Passwords(IPasswordHasher<AccountRecord> hasher)
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    /// <summary>Requests that may wait for a turn; with cheap test hashing hundreds register at once and all get one.</summary>
    public const int MaxWaiting = 256;

    private int _waiting;

    private static readonly AccountRecord _nobody = new() { Username = "", PasswordHash = "", Role = Role.Citizen };
    private readonly SemaphoreSlim _turns = new(Math.Max(1, Environment.ProcessorCount));
    private readonly Lazy<string> _decoyHash = new(() => hasher.HashPassword(_nobody, Guid.NewGuid().ToString()));

    /// <summary>The hash of a new password, or null when no turn was free in time.</summary>
    public async Task<string?> HashAsync(AccountRecord account, string password) =>
        await InTurnAsync(() => hasher.HashPassword(account, password)) is (true, var hash) ? hash : null;

    /// <summary>Whether the password is the account's (false for no account); null when no turn was free in time.</summary>
    public async Task<bool?> VerifyAsync(AccountRecord? account, string password) =>
        await InTurnAsync(() => account is null ? Decoy(password) : Matches(account, password)) is (true, var matches) ? matches : null;

    /// <summary>Whether the password is the account's, checked at once (start-up work, not a request's).</summary>
    public bool Matches(AccountRecord account, string password) =>
        hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>The hash of a password, at once (start-up work, not a request's).</summary>
    public string Hash(AccountRecord account, string password) => hasher.HashPassword(account, password);

    /// <summary>The refusal when no turn was free: try again in a second.</summary>
    public static PlateError Busy() =>
        new(ErrorCodes.RateLimited, "登录请求过多，请稍后再试。") { RetryAfterSeconds = 1 };

    private bool Decoy(string password)
    {
        hasher.VerifyHashedPassword(_nobody, _decoyHash.Value, password);
        return false;
    }

    /// <summary>Runs the work in a turn; <c>Ran</c> is false when no turn was free in time.</summary>
    private async Task<(bool Ran, T Result)> InTurnAsync<T>(Func<T> work)
    {
        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return (false, default!);
        }

        bool turn;
        try
        {
            turn = await _turns.WaitAsync(MaxWait);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        if (!turn)
        {
            return (false, default!);
        }

        try
        {
            return (true, work());
        }
        finally
        {
            _turns.Release();
        }
    }
}
