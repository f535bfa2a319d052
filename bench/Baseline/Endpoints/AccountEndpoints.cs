using Microsoft.AspNetCore.Identity;
using Npgsql;
using PlateOrleans.Baseline.Auth;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>Registration, tokens, and what a signed-in citizen sees of themselves.</summary>
public static class AccountEndpoints
{
    private static readonly string[] _userTypes = ["owner", "window", "newCarOwner", "learner", "unit"];
    private static string? _decoyHash;

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").AllowAnonymous();
        auth.MapPost("/register", Register);
        auth.MapPost("/token", IssueToken);
        var me = app.MapGroup("/api/v1/me").RequireAuthorization();
        me.MapGet("", GetMe);
        me.MapGet("/vehicles", GetMyVehicles);
        return app;
    }

    private static async Task<Reply> Register(RegisterRequest? body, NpgsqlDataSource db, OfficeCache offices, IPasswordHasher<Account> hasher)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var unit = body.UserType == "unit";
        var errors = new FieldErrors()
            .Check(Identity.IsUsername(body.Username), "username", "用户名为 3 到 32 个字母、数字、下划线、点或连字符。")
            .Check(Identity.IsPassword(body.Password), "password", "密码长度为 8 到 64 个字符。")
            .Check(Identity.IsPhone(body.Phone), "phone", "手机号码为以 1 开头的 11 位数字。")
            .Check(body.UserType is not null && _userTypes.Contains(body.UserType), "userType", "用户类型为 owner、window、newCarOwner、learner 或 unit。")
            .Check(unit ? Identity.IsValidCreditCode(body.IdNumber) : Identity.IsValidPersonId(body.IdNumber), "idNumber",
                unit ? "统一社会信用代码不正确（18 位，含校验码）。" : "身份证号码不正确（18 位，含校验码）。");
        errors.Check(Identity.IsOfficeCode(body.OfficeCode) && await offices.GetAsync(body.OfficeCode!) is not null, "officeCode", "注册地车管所代码不正确或未开通。");
        if (errors.Any)
        {
            return errors.ToReply();
        }

        var hash = hasher.HashPassword(new Account(), body.Password!);
        await using var command = db.CreateCommand("""
            INSERT INTO accounts (username_key, username, password_hash, role, phone, user_type, office_code, id_number, created_at)
            VALUES ($1, $2, $3, 'citizen', $4, $5, $6, $7, $8)
            """);
        command.Parameters.Add(P(body.Username!.ToLowerInvariant()));
        command.Parameters.Add(P(body.Username));
        command.Parameters.Add(P(hash));
        command.Parameters.Add(P(body.Phone!));
        command.Parameters.Add(P(body.UserType!));
        command.Parameters.Add(P(body.OfficeCode!));
        command.Parameters.Add(P(body.IdNumber!));
        command.Parameters.Add(P(DateTime.UtcNow));
        try
        {
            await command.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return Reply.Of(e.ConstraintName == "accounts_id_number"
                ? new Error(Codes.IdNumberTaken, "该证件号码已注册过账户；如非本人注册，请持身份证到车管所窗口办理。")
                : new Error(Codes.UsernameTaken, "用户名已被使用。"));
        }

        return Reply.Of(201, new RegisteredResponse(body.Username, body.UserType!, body.OfficeCode!), BaselineJson.Wire.RegisteredResponse);
    }

    private static async Task<Reply> IssueToken(TokenRequest? body, NpgsqlDataSource db, IPasswordHasher<Account> hasher, Tokens tokens)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors()
            .Check(body.Username is { Length: > 0 and <= 64 }, "username", "请输入用户名。")
            .Check(body.Password is { Length: > 0 and <= 128 }, "password", "请输入密码。");
        if (errors.Any)
        {
            return errors.ToReply();
        }

        await using var command = db.CreateCommand("SELECT username, password_hash, role, office_code, id_number, user_type FROM accounts WHERE username_key = $1");
        command.Parameters.Add(P(body.Username!.ToLowerInvariant()));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            // As slow for an unknown user as for a wrong password, so that usernames cannot be probed by timing.
            _decoyHash ??= hasher.HashPassword(new Account(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(new Account(), _decoyHash, body.Password!);
            return Reply.Of(new Error(Codes.InvalidCredentials, "用户名或密码错误。"));
        }

        if (hasher.VerifyHashedPassword(new Account(), reader.GetString(1), body.Password!) == PasswordVerificationResult.Failed)
        {
            return Reply.Of(new Error(Codes.InvalidCredentials, "用户名或密码错误。"));
        }

        var token = tokens.Issue(reader.GetString(0), reader.GetString(2), reader.NullableString(3), reader.NullableString(4), reader.NullableString(5));
        return Reply.Of(200, new TokenResponse(token, "Bearer", (int)tokens.Lifetime.TotalSeconds), BaselineJson.Wire.TokenResponse);
    }

    private static async Task<Reply> GetMe(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var command = db.CreateCommand("SELECT username, user_type, office_code, phone, role, blacklisted_until FROM accounts WHERE username_key = $1");
        command.Parameters.Add(P(caller.Username.ToLowerInvariant()));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return Reply.Of(new Error(Codes.Unauthenticated, "账户不存在。"));
        }

        var blacklisted = reader.Nullable<DateTime>(5) is { } until && until > DateTime.UtcNow ? until : (DateTime?)null;
        var phone = reader.NullableString(3);
        return Reply.Of(200, new MeResponse(
            reader.GetString(0), reader.NullableString(1), reader.NullableString(2), phone is null ? null : Identity.MaskPhone(phone),
            [reader.GetString(4)], blacklisted), BaselineJson.Wire.MeResponse);
    }

    private static async Task<Reply> GetMyVehicles(HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        var vehicles = new List<MyVehicle>();
        if (caller.IdNumber is not null)
        {
            await using var command = db.CreateCommand("""
                SELECT v.vin, v.current_plate, v.plate_kind, v.energy, v.office_code, s.stage
                FROM vehicles v LEFT JOIN selections s ON s.vin = v.vin
                WHERE v.owner_id_number = $1 ORDER BY v.vin
                """);
            command.Parameters.Add(P(caller.IdNumber));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (kind, energy) = (reader.GetString(2), reader.GetString(3));
                var reason = Eligibility.ReasonAgainst(kind, energy);
                vehicles.Add(new MyVehicle(reader.GetString(0), reader.GetString(1), kind, energy, reader.GetString(4), reason is null, reason, reader.NullableString(5)));
            }
        }

        return Reply.Of(200, vehicles, BaselineJson.Wire.ListMyVehicle);
    }
}

/// <summary>Creates the first admin from <c>Admin:Username</c> / <c>Admin:Password</c> at start, once.</summary>
public sealed class FirstAdmin(NpgsqlDataSource db, IConfiguration configuration, IPasswordHasher<Account> hasher) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration["Admin:Username"] is not { Length: > 0 } username || configuration["Admin:Password"] is not { Length: > 0 } password)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            INSERT INTO accounts (username_key, username, password_hash, role, created_at) VALUES ($1, $2, $3, 'admin', $4)
            ON CONFLICT (username_key) DO NOTHING
            """);
        command.Parameters.Add(P(username.ToLowerInvariant()));
        command.Parameters.Add(P(username));
        command.Parameters.Add(P(hasher.HashPassword(new Account(), password)));
        command.Parameters.Add(P(DateTime.UtcNow));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
