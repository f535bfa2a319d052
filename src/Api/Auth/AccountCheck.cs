using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// Checks every token against its account: a token works only while the account exists, is enabled, and still has
/// the security stamp the token was issued with (a new password, role or a disabling changes it); bearer tokens and
/// the staff's sign-in cookie (which holds such a token) alike. The account comes from this node's
/// <see cref="AccountCache"/>, which its grain tells of every change: no grain call per request. What the request
/// needs of the account (ID number, user type, office) is added to the principal from there, never taken from the token.
/// </summary>
public static class AccountCheck
{
    private const string FailureKey = "plate-auth-failure";

    public static async Task OnTokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var username = principal.FindFirstValue(JwtRegisteredClaimNames.Sub);
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountCache>();
        var account = string.IsNullOrEmpty(username) ? null : await accounts.GetAsync(username);
        if (account is { Disabled: true })
        {
            Fail(context, new PlateError(ErrorCodes.AccountDisabled, "该账户已被停用。"));
            return;
        }

        if (account is null
            || account.SecurityStamp != principal.FindFirstValue(TokenService.StampClaim)
            || !string.Equals(account.Role.ToString(), principal.FindFirstValue(TokenService.RoleClaim), StringComparison.OrdinalIgnoreCase))
        {
            Fail(context, new PlateError(ErrorCodes.Unauthenticated, "登录已失效，请重新登录。"));
            return;
        }

        var facts = new List<Claim>(3);
        if (account.IdNumber is { } idNumber)
        {
            facts.Add(new Claim(TokenService.IdNumberClaim, idNumber));
        }

        if (account.UserType is { } type)
        {
            facts.Add(new Claim(TokenService.UserTypeClaim, type.ToString()));
        }

        if (account.OfficeCode is { } office)
        {
            facts.Add(new Claim(TokenService.OfficeClaim, office));
        }

        principal.AddIdentity(new ClaimsIdentity(facts));
    }

    /// <summary>Why this request's token or cookie was refused, when it was.</summary>
    public static PlateError? FailureOf(HttpContext http) => http.Items[FailureKey] as PlateError;

    /// <summary>Answers a refused token with the reason found above (<c>account_disabled</c>, say) instead of a bare 401.</summary>
    public static async Task OnChallenge(JwtBearerChallengeContext context)
    {
        if (context.HttpContext.Items[FailureKey] is PlateError error)
        {
            context.HandleResponse();
            await Problems.Write(context.HttpContext, Problems.Create(error));
        }
    }

    private static void Fail(TokenValidatedContext context, PlateError error)
    {
        context.HttpContext.Items[FailureKey] = error;
        context.Fail(error.Detail);
    }
}
