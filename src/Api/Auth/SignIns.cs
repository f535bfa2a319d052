using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// The one check of a username and password, shared by <c>POST /api/v1/auth/token</c> and the staff's sign-in page:
/// repeated failures make the next try wait before its password is even hashed (see the account grain's sign-in
/// throttle), hashing takes its turn in <see cref="Passwords"/> and costs as much for an unknown user as for a wrong
/// password, and a disabled account is named only to whoever knows its password.
/// </summary>
public sealed class SignIns(IGrainFactory grains, Passwords passwords)
{
    /// <summary>The longest username and password read; longer ones are refused before any work.</summary>
    public const int MaxUsername = 64;

    public const int MaxPassword = 128;

    /// <summary>The account, or why not: <c>rate_limited</c>, <c>invalid_credentials</c>, <c>account_disabled</c>.</summary>
    public async Task<Outcome<AccountRecord>> CheckAsync(string username, string password, HttpContext http)
    {
        var grain = grains.Account(username);
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (await grain.SignInWaitAsync(address) is var wait && wait > TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            return new PlateError(ErrorCodes.RateLimited, $"密码错误次数过多，请 {seconds} 秒后再试。") { RetryAfterSeconds = seconds };
        }

        var account = await grain.GetAsync();
        if (await passwords.VerifyAsync(account, password) is not { } matches)
        {
            return Passwords.Busy();
        }

        await grain.RecordSignInAsync(address, matches);
        if (!matches)
        {
            return new PlateError(ErrorCodes.InvalidCredentials, "用户名或密码错误。");
        }

        if (account!.Disabled)
        {
            return new PlateError(ErrorCodes.AccountDisabled, "该账户已被停用。");
        }

        return account;
    }
}
