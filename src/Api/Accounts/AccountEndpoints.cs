using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Accounts;

public sealed record RegisterRequest(string? Username, string? Password, string? Phone, UserType? UserType, string? OfficeCode, string? IdNumber);

public sealed record RegisteredResponse(string Username, UserType UserType, string OfficeCode);

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed record MeResponse(string Username, UserType? UserType, string? OfficeCode, string? Phone, IReadOnlyList<string> Roles, DateTimeOffset? BlacklistedUntil);

public sealed record MyVehicle(string Vin, string CurrentPlate, PlateKind PlateKind, EnergyKind Energy, string OfficeCode, bool Eligible, string? Reason, SelectionStage? Stage);

/// <summary>Registration, tokens, and what a signed-in citizen sees of themselves.</summary>
public static partial class AccountEndpoints
{
    [GeneratedRegex("^[A-Za-z0-9_.-]{3,32}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^1[0-9]{10}$")]
    private static partial Regex PhonePattern();

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts").AllowAnonymous();
        auth.MapPost("/register", Register).WithName("Register").WithSummary("Registers a citizen account.").RequireRateLimiting(Operations.RateLimiting.RegisterPolicy);
        auth.MapPost("/token", IssueToken).WithName("IssueToken").WithSummary("Exchanges a username and password for a bearer token.").RequireRateLimiting(Operations.RateLimiting.SignInPolicy);

        var me = app.MapGroup("/api/v1/me").WithTags("Accounts").RequireAuthorization();
        me.MapGet("", GetMe).WithName("GetMe").WithSummary("The signed-in account.");
        me.MapGet("/vehicles", GetMyVehicles).WithName("GetMyVehicles").WithSummary("The user's and the user's unit's vehicles, with their selection stage.");
        return app;
    }

    /// <summary>An 11-digit mainland mobile number.</summary>
    public static bool IsPhone(string? phone) => phone is not null && PhonePattern().IsMatch(phone);

    /// <summary>Checks the username and password rules shared by citizens and staff accounts.</summary>
    internal static FieldErrors CheckCredentials(this FieldErrors errors, string? username, string? password) => errors
        .Check(username is not null && UsernamePattern().IsMatch(username), "username", "用户名为 3 到 32 个字母、数字、下划线、点或连字符。")
        .Check(password is { Length: >= 8 and <= 64 }, "password", "密码长度为 8 到 64 个字符。");

    private static async Task<Results<Created<RegisteredResponse>, Problem>> Register(RegisterRequest? body, IGrainFactory grains, Passwords passwords, TimeProvider time)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors()
            .CheckCredentials(body.Username, body.Password)
            .Check(body.Phone is not null && PhonePattern().IsMatch(body.Phone), "phone", "手机号码为以 1 开头的 11 位数字。")
            .Check(body.UserType is not null, "userType", "用户类型为 owner、window、newCarOwner、learner 或 unit。")
            .Check(
                body.UserType == UserType.Unit ? IdNumbers.IsValidCreditCode(body.IdNumber) : IdNumbers.IsValidPersonId(body.IdNumber),
                "idNumber",
                body.UserType == UserType.Unit ? "统一社会信用代码不正确（18 位，含校验码）。" : "身份证号码不正确（18 位，含校验码）。");
        var officeExists = body.OfficeCode is { Length: 6 } code && code.All(char.IsAsciiDigit)
            && await grains.Get<IOfficeGrain>(code).GetAsync() is not null;
        errors.Check(officeExists, "officeCode", "注册地车管所代码不正确或未开通。");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var account = new AccountRecord
        {
            Username = body.Username!,
            PasswordHash = "",
            Role = Role.Citizen,
            Phone = body.Phone,
            UserType = body.UserType,
            OfficeCode = body.OfficeCode,
            IdNumber = body.IdNumber,
            CreatedAt = time.GetUtcNow(),
        };
        if (await passwords.HashAsync(account, body.Password!) is not { } hash)
        {
            return Problems.Result(Passwords.Busy());
        }

        // One person, one account: the person's grain holds the ID number for the account it creates.
        var created = await grains.Get<IOwnerGrain>(account.IdNumber!).RegisterAsync(account with { PasswordHash = hash });
        return created.Error is { } error
            ? Problems.Result(error)
            : TypedResults.Created("/api/v1/me", new RegisteredResponse(account.Username, account.UserType!.Value, account.OfficeCode!));
    }

    private static async Task<Results<Ok<TokenResponse>, Problem>> IssueToken(TokenRequest? body, HttpContext http, SignIns signIns, TokenService tokens)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors()
            .Check(!string.IsNullOrEmpty(body.Username) && body.Username.Length <= SignIns.MaxUsername, "username", "请输入用户名。")
            .Check(!string.IsNullOrEmpty(body.Password) && body.Password.Length <= SignIns.MaxPassword, "password", "请输入密码。");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var signedIn = await signIns.CheckAsync(body.Username!, body.Password!, http);
        return signedIn.Value is { } account
            ? TypedResults.Ok(new TokenResponse(tokens.Issue(account), "Bearer", (int)tokens.Lifetime.TotalSeconds))
            : Problems.Result(signedIn.Error!);
    }

    private static async Task<Results<Ok<MeResponse>, Problem>> GetMe(HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        var account = await grains.Account(http.User.ToCaller().Username).GetAsync();
        if (account is null)
        {
            return Problems.Result(new PlateError(ErrorCodes.Unauthenticated, "账户不存在。"));
        }

        var until = account.IdNumber is { } idNumber ? await grains.Get<IOwnerGrain>(idNumber).GetBlacklistedUntilAsync() : null;
        var blacklisted = until > time.GetUtcNow() ? until : null;
        return TypedResults.Ok(new MeResponse(
            account.Username,
            account.UserType,
            account.OfficeCode,
            account.Phone is null ? null : Phones.Mask(account.Phone),
            [account.Role.ToString().ToLowerInvariant()],
            blacklisted));
    }

    private static async Task<Ok<List<MyVehicle>>> GetMyVehicles(HttpContext http, IGrainFactory grains)
    {
        var caller = http.User.ToCaller();
        if (caller.IdNumber is null)
        {
            return TypedResults.Ok(new List<MyVehicle>());
        }

        var vins = await grains.Get<IOwnerGrain>(caller.IdNumber).GetVinsAsync();
        var vehicles = await Task.WhenAll(vins.Select(async vin =>
        {
            var vehicle = await grains.Get<IVehicleGrain>(vin).GetAsync();
            if (vehicle is null || vehicle.OwnerIdNumber != caller.IdNumber)
            {
                return null;
            }

            var stage = await grains.Get<ISelectionSessionGrain>(vin).GetStageAsync();
            var reason = Eligibility.ReasonAgainst(vehicle);
            return new MyVehicle(vehicle.Vin, vehicle.CurrentPlate, vehicle.PlateKind, vehicle.Energy, vehicle.OfficeCode, reason is null, reason, stage);
        }));
        return TypedResults.Ok(vehicles.OfType<MyVehicle>().ToList());
    }
}
