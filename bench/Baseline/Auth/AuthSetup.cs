using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PlateOrleans.Baseline.Auth;

/// <summary>Who is asking, from the token's claims (no database read per request).</summary>
public sealed record Caller(string Username, string Role, string? OfficeCode, string? IdNumber, string? UserType)
{
    /// <summary>Whether this caller may look at (not act on) the selections and pool of an office.</summary>
    public bool Oversees(string officeCode) => Role == "admin" || (Role == "operator" && OfficeCode == officeCode);

    public static Caller From(ClaimsPrincipal user) => new(
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? "",
        user.FindFirstValue(Tokens.RoleClaim) ?? "citizen",
        user.FindFirstValue(Tokens.OfficeClaim),
        user.FindFirstValue(Tokens.IdNumberClaim),
        user.FindFirstValue(Tokens.UserTypeClaim));
}

/// <summary>The account type the password hasher is keyed on (it uses none of its members).</summary>
public sealed class Account;

/// <summary>JWT bearer tokens (HMAC-SHA256), PBKDF2 password hashes with configurable iterations, the two staff policies.</summary>
public static class AuthSetup
{
    public const string AdminPolicy = "admin";
    public const string StaffPolicy = "staff";

    public static IServiceCollection AddBaselineAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var tokens = new Tokens(configuration);
        services.AddSingleton(tokens);
        services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = configuration.GetValue("Auth:PasswordIterations", o.IterationCount));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = Tokens.Issuer,
                ValidAudience = Tokens.Issuer,
                IssuerSigningKey = tokens.Key,
                NameClaimType = JwtRegisteredClaimNames.Sub,
                RoleClaimType = Tokens.RoleClaim,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireRole("admin"))
            .AddPolicy(StaffPolicy, p => p.RequireRole("admin", "operator"));
        return services;
    }
}

/// <summary>Issues the bearer tokens of <c>POST /api/v1/auth/token</c>.</summary>
public sealed class Tokens
{
    public const string Issuer = "PlateOrleans.Baseline";
    public const string RoleClaim = "role";
    public const string OfficeClaim = "office";
    public const string IdNumberClaim = "idn";
    public const string UserTypeClaim = "utype";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;

    public Tokens(IConfiguration configuration)
    {
        // Jwt:SigningKey when given (several instances must share it); otherwise a key of this process only.
        var configured = configuration["Jwt:SigningKey"];
        Key = new SymmetricSecurityKey(configured is { Length: >= 32 } ? Encoding.UTF8.GetBytes(configured) : RandomNumberGenerator.GetBytes(32));
        Lifetime = configuration.GetValue("Jwt:Lifetime", TimeSpan.FromHours(2));
        _credentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256);
    }

    public SymmetricSecurityKey Key { get; }

    public TimeSpan Lifetime { get; }

    public string Issue(string username, string role, string? officeCode, string? idNumber, string? userType)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = username,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [RoleClaim] = role,
        };
        if (officeCode is not null)
        {
            claims[OfficeClaim] = officeCode;
        }

        if (idNumber is not null)
        {
            claims[IdNumberClaim] = idNumber;
        }

        if (userType is not null)
        {
            claims[UserTypeClaim] = userType;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Issuer,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = _credentials,
        });
    }
}
