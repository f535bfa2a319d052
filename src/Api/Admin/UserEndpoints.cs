using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Admin;

/// <summary>An account as staff see it: no password hash, no ID number, the phone masked.</summary>
public sealed record UserSummary(string Username, string Role, string? OfficeCode, UserType? UserType, string? Phone, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserSummary Of(AccountRecord a) => new(
        a.Username, a.Role.ToString().ToLowerInvariant(), a.OfficeCode, a.UserType, a.Phone is null ? null : Phones.Mask(a.Phone), a.Disabled, a.CreatedAt);
}

public sealed record DisabledRequest(bool? Disabled);

/// <summary>
/// Finding and disabling accounts: a person who shows their ID card at the window can have the account that holds
/// their ID number disabled (its tokens stop at once) and register their own.
/// </summary>
public static class UserEndpoints
{
    /// <summary>Maps onto the operators' group (<see cref="OperatorEndpoints"/>), staff only.</summary>
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder admin)
    {
        var users = admin.MapGroup("/users");
        users.MapGet("", FindUsers)
            .WithName("FindUsers").WithSummary("The accounts of an ID number (every one it registered) or of a username; an operator sees its office's citizens only.")
            .Produces<List<UserSummary>>();
        users.MapPut("/{username}/disabled", SetDisabled).RequireAuthorization(AuthSetup.AdminPolicy)
            .WithName("SetUserDisabled").WithSummary("Disables an account (its tokens stop working at once, its ID number is free again) or enables it.")
            .Produces(StatusCodes.Status204NoContent);
        return admin;
    }

    private static async Task<Results<Ok<List<UserSummary>>, Problem>> FindUsers(string? idNumber, string? username, HttpContext http, IGrainFactory grains)
    {
        if ((idNumber is null) == (username is null) || idNumber is { Length: > 32 } || username is { Length: > 64 })
        {
            return new FieldErrors().Check(false, "idNumber", "请提供 idNumber 或 username 之一。").ToResult();
        }

        IEnumerable<string> usernames = username is not null ? [username] : (await grains.Get<IOwnerGrain>(idNumber!).GetAsync()).Usernames;
        var accounts = await Task.WhenAll(usernames.Select(u => grains.Account(u).GetAsync()));
        var caller = http.User.ToCaller();
        return TypedResults.Ok(accounts
            .OfType<AccountRecord>()
            .Where(a => caller.Role == Role.Admin || (a.Role == Role.Citizen && a.OfficeCode == caller.OfficeCode))
            .Select(UserSummary.Of)
            .ToList());
    }

    private static async Task<Results<NoContent, Problem>> SetDisabled(string username, DisabledRequest? body, HttpContext http, IGrainFactory grains, OperatorAudit audit)
    {
        if (body?.Disabled is not { } disabled)
        {
            return new FieldErrors().Check(false, "disabled", "disabled 为 true 或 false。").ToResult();
        }

        if (username.Length > 64 || await grains.Account(username).GetAsync() is not { } account)
        {
            return Problems.Result(PlateError.NotFound("用户不存在。"));
        }

        var caller = http.User.ToCaller();
        if (disabled && string.Equals(account.Username, caller.Username, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "不能停用自己的账户。"));
        }

        if (disabled)
        {
            // The account first: should freeing the ID number fail, a disabled holder is treated as free anyway.
            await grains.Account(username).SetDisabledAsync(true);
            if (account.IdNumber is { } idNumber)
            {
                await grains.Get<IOwnerGrain>(idNumber).ReleaseAsync(account.Username);
            }

            return await RecordAsync(AuditKinds.AccountDisabled, "disabled");
        }

        if (account.IdNumber is { } held)
        {
            var reclaimed = await grains.Get<IOwnerGrain>(held).ReclaimAsync(account.Username);
            return reclaimed.Error is { } error ? Problems.Result(error) : await RecordAsync(AuditKinds.AccountEnabled, "enabled");
        }

        await grains.Account(username).SetDisabledAsync(false);
        return await RecordAsync(AuditKinds.AccountEnabled, "enabled");

        // The account's office (a citizen's or an operator's; none for an admin) is where its operators find it.
        async Task<Results<NoContent, Problem>> RecordAsync(string kind, string what) =>
            await audit.RecordAsync(caller, kind, account.OfficeCode, $"{account.Role.ToString().ToLowerInvariant()} account {account.Username} {what}") is { } unrecorded
                ? unrecorded
                : TypedResults.NoContent();
    }
}
