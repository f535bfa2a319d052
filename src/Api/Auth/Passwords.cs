using Microsoft.AspNetCore.Identity;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>Password checks that take as long for an unknown user as for a wrong password, so usernames cannot be probed by timing.</summary>
public static class Passwords
{
    private static readonly AccountRecord _nobody = new() { Username = "", PasswordHash = "", Role = Role.Citizen };
    private static string? _decoyHash;

    public static bool Verify(IPasswordHasher<AccountRecord> hasher, AccountRecord? account, string password)
    {
        if (account is null)
        {
            _decoyHash ??= hasher.HashPassword(_nobody, Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(_nobody, _decoyHash, password);
            return false;
        }

        return hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }
}
