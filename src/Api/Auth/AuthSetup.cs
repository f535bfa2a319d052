using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>Token settings (section <c>Jwt</c>).</summary>
public sealed class JwtOptions
{
    public string Issuer { get; set; } = "PlateOrleans";
    public string Audience { get; set; } = "PlateOrleans";
    /// <summary>At least 32 bytes; required outside Development.</summary>
    public string SigningKey { get; set; } = "";
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(2);

    public SymmetricSecurityKey Key() => new(Encoding.UTF8.GetBytes(SigningKey));
}

/// <summary>
/// JWT bearer tokens, hashed passwords, roles and the policies the endpoints use. The API's endpoints accept bearer
/// tokens only. The dashboard and <c>/metrics</c> (<see cref="MonitoringPolicy"/>, <see cref="GrainKeysPolicy"/>) also
/// accept the staff's sign-in cookie (<see cref="StaffCookie"/>): the same token, kept by the browser HttpOnly and
/// SameSite=Strict, checked by the same <see cref="AccountCheck"/>. A cookie never authorizes the API, so no other site
/// can make a signed-in browser write through it.
/// </summary>
public static class AuthSetup
{
    public const string AdminPolicy = "admin";
    public const string StaffPolicy = "staff";

    /// <summary>Reading <c>/metrics</c> and the dashboard's cluster views: admins, operators and monitors, by token or cookie.</summary>
    public const string MonitoringPolicy = "monitoring";

    /// <summary>The dashboard's views of grain keys (VINs of every office), reminders and logs: admins and monitors only.</summary>
    public const string GrainKeysPolicy = "grain-keys";

    /// <summary>The scheme of the staff's sign-in cookie: a bearer token read from <see cref="StaffCookie.Name"/>.</summary>
    public const string CookieScheme = "staff-cookie";

    /// <summary>Picks the bearer token when the request has an Authorization header, the cookie otherwise.</summary>
    public const string TokenOrCookieScheme = "token-or-cookie";

    public static IServiceCollection AddPlateAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection("Jwt").Get<JwtOptions>() ?? new JwtOptions();
        if (Encoding.UTF8.GetByteCount(jwt.SigningKey) < 32)
        {
            throw new InvalidOperationException("Jwt:SigningKey must be set to a secret of at least 32 bytes (environment variable Jwt__SigningKey).");
        }

        services.AddSingleton(jwt);
        services.AddSingleton<TokenService>();
        services.AddSingleton<IPasswordHasher<AccountRecord>, PasswordHasher<AccountRecord>>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<SignIns>();
        services.AddSingleton<AccountCache>();
        services.AddHostedService(sp => sp.GetRequiredService<AccountCache>());
        services.Configure<PasswordHasherOptions>(o =>
            o.IterationCount = configuration.GetValue("Auth:PasswordIterations", o.IterationCount));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = StaffCookie.AntiforgeryName;
            o.FormFieldName = StaffCookie.AntiforgeryField;
        });

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o =>
            {
                ValidateOurTokens(o, jwt);
                o.Events = new JwtBearerEvents { OnTokenValidated = AccountCheck.OnTokenValidated, OnChallenge = AccountCheck.OnChallenge };
            })
            .AddJwtBearer(CookieScheme, o =>
            {
                ValidateOurTokens(o, jwt);
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = StaffCookie.OnMessageReceived,
                    OnTokenValidated = AccountCheck.OnTokenValidated,
                    OnChallenge = StaffCookie.OnChallenge,
                };
            })
            .AddPolicyScheme(TokenOrCookieScheme, "Bearer token or staff cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : CookieScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireRole("admin"))
            .AddPolicy(StaffPolicy, p => p.RequireRole("admin", "operator"))
            .AddPolicy(MonitoringPolicy, p => p.AddAuthenticationSchemes(TokenOrCookieScheme).RequireRole("admin", "operator", "monitor"))
            .AddPolicy(GrainKeysPolicy, p => p.AddAuthenticationSchemes(TokenOrCookieScheme).RequireRole("admin", "monitor"));
        return services;
    }

    /// <summary>
    /// This API's tokens, for the bearer scheme and the staff's cookie alike: claims under the names the tokens use, and a
    /// token validated once kept until it expires (<see cref="ValidatedTokens"/>; one set per scheme).
    /// </summary>
    private static void ValidateOurTokens(JwtBearerOptions options, JwtOptions jwt)
    {
        options.MapInboundClaims = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(ValidatedTokens.ForJwt(TimeProvider.System));
        options.TokenValidationParameters = ValidationOf(jwt);
    }

    private static TokenValidationParameters ValidationOf(JwtOptions jwt) => new()
    {
        ValidIssuer = jwt.Issuer,
        ValidAudience = jwt.Audience,
        IssuerSigningKey = jwt.Key(),
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = TokenService.RoleClaim,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    /// <summary>The caller as grains know it: the username and role from the token, the rest from the account.</summary>
    public static Caller ToCaller(this ClaimsPrincipal user) => new(
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? "",
        Enum.TryParse<Role>(user.FindFirstValue(TokenService.RoleClaim), ignoreCase: true, out var role) ? role : Role.Citizen,
        user.FindFirstValue(TokenService.OfficeClaim),
        user.FindFirstValue(TokenService.IdNumberClaim),
        Enum.TryParse<UserType>(user.FindFirstValue(TokenService.UserTypeClaim), ignoreCase: true, out var type) ? type : null);
}

/// <summary>
/// Issues the bearer tokens of <c>POST /api/v1/auth/token</c>. A token carries no personal data: the username, the
/// role and the account's security stamp; what else a request needs of the account is read from the account's grain.
/// </summary>
public sealed class TokenService(JwtOptions options)
{
    public const string RoleClaim = "role";
    public const string OfficeClaim = "office";
    public const string IdNumberClaim = "idn";
    public const string UserTypeClaim = "utype";
    public const string StampClaim = "sst";

    private readonly SigningCredentials _credentials = new(options.Key(), SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler _handler = new();

    public TimeSpan Lifetime => options.Lifetime;

    public string Issue(AccountRecord account)
    {
        // The wall clock, not the app's TimeProvider: JwtBearer validates lifetimes against the wall clock.
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = account.Username,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [RoleClaim] = account.Role.ToString().ToLowerInvariant(),
            [StampClaim] = account.SecurityStamp,
        };
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.Lifetime,
            SigningCredentials = _credentials,
        });
    }
}
