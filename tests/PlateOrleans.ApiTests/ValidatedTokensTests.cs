using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PlateOrleans.Api.Auth;

namespace PlateOrleans.ApiTests;

/// <summary>The tokens a node validated once and keeps until they expire (the account check runs on every request regardless).</summary>
public sealed class ValidatedTokensTests
{
    private static readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes("a test signing key of at least 32 bytes"));
    private static readonly TokenValidationParameters _parameters = new()
    {
        ValidIssuer = "PlateOrleans",
        ValidAudience = "PlateOrleans",
        IssuerSigningKey = _key,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task AValidTokenIsCheckedOnceAndKeptUntilItExpiresSkewIncluded()
    {
        var inner = new CountingHandler();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new ValidatedTokens(inner, time);
        var token = Token("citizen-1", _key, expires: DateTime.UtcNow.AddMinutes(10));

        for (var i = 0; i < 3; i++)
        {
            var result = await tokens.ValidateTokenAsync(token, _parameters);
            Assert.True(result.IsValid);
            Assert.Equal("citizen-1", result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value);
            Assert.Equal(token, ((JsonWebToken)result.SecurityToken).EncodedToken);
        }

        Assert.Equal(1, inner.Calls);

        // Still within the skew after its expiry: kept. Past it: validated again (and refused by the inner handler on
        // its own clock, were it as late as this one).
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(20));
        Assert.True((await tokens.ValidateTokenAsync(token, _parameters)).IsValid);
        Assert.Equal(1, inner.Calls);
        time.Advance(TimeSpan.FromSeconds(15));
        await tokens.ValidateTokenAsync(token, _parameters);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task ATokenTheInnerHandlerRefusesIsNeverKept()
    {
        var inner = new CountingHandler();
        var tokens = new ValidatedTokens(inner, TimeProvider.System);
        var forged = Token("citizen-1", new SymmetricSecurityKey(Encoding.UTF8.GetBytes("someone else's key, also 32 bytes long")), DateTime.UtcNow.AddMinutes(10));
        var expired = Token("citizen-1", _key, expires: DateTime.UtcNow.AddMinutes(-5));

        foreach (var token in new[] { forged, forged, expired, expired, "not a token", "not a token" })
        {
            Assert.False((await tokens.ValidateTokenAsync(token, _parameters)).IsValid);
        }

        Assert.Equal(6, inner.Calls);
        Assert.Equal(0, tokens.Count);
    }

    [Fact]
    public async Task EachValidationGetsClaimsOfItsOwn()
    {
        var tokens = new ValidatedTokens(new CountingHandler(), TimeProvider.System);
        var token = Token("citizen-1", _key, DateTime.UtcNow.AddMinutes(10));

        var first = await tokens.ValidateTokenAsync(token, _parameters);
        first.ClaimsIdentity.AddClaim(new Claim("role", "admin"));
        var second = await tokens.ValidateTokenAsync(token, _parameters);

        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Null(second.ClaimsIdentity.FindFirst("role"));
    }

    [Fact]
    public async Task AtCapacityTheExpiredGoFirstAndAllIfNoneExpired()
    {
        var inner = new CountingHandler();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tokens = new ValidatedTokens(inner, time, capacity: 2);
        var shortLived = Token("short", _key, DateTime.UtcNow.AddMinutes(1));
        var first = Token("first", _key, DateTime.UtcNow.AddMinutes(10));
        var second = Token("second", _key, DateTime.UtcNow.AddMinutes(10));

        await tokens.ValidateTokenAsync(shortLived, _parameters);
        await tokens.ValidateTokenAsync(first, _parameters);
        time.Advance(TimeSpan.FromMinutes(2));
        await tokens.ValidateTokenAsync(second, _parameters);
        Assert.Equal(2, tokens.Count); // the expired one made room

        var third = Token("third", _key, DateTime.UtcNow.AddMinutes(10));
        Assert.True((await tokens.ValidateTokenAsync(third, _parameters)).IsValid);
        Assert.Equal(1, tokens.Count); // none expired: all dropped, the new one kept
        var calls = inner.Calls;
        Assert.True((await tokens.ValidateTokenAsync(first, _parameters)).IsValid);
        Assert.Equal(calls + 1, inner.Calls);
    }

    private static string Token(string subject, SecurityKey key, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "PlateOrleans",
        Audience = "PlateOrleans",
        Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Sub] = subject },
        NotBefore = expires.AddHours(-1),
        IssuedAt = expires.AddHours(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _calls;

        public CountingHandler() => MapInboundClaims = false;

        public int Calls => _calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
