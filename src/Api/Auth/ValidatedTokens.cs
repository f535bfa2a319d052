using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// The bearer tokens this node has validated, kept until they expire, so that a signed-in client's next requests skip
/// parsing the token and checking its signature: that was ~4% of a draw's CPU and a tenth of its allocations (issue 7,
/// docs/benchmarks.md). Only a token the inner handler found valid is kept, by its exact text; every use checks its
/// lifetime again (its expiry plus the allowed clock skew), and each request gets a copy of its claims of its own. The
/// account check (<see cref="AccountCheck"/>) still runs on every request, so a disabled account, a new password or a
/// new role ends a kept token at once. At <paramref name="capacity"/> tokens the expired ones are dropped, and if that
/// frees nothing, all of them (they are validated again on their next use).
/// </summary>
public sealed class ValidatedTokens(TokenHandler inner, TimeProvider time, int capacity = ValidatedTokens.DefaultCapacity) : TokenHandler
{
    /// <summary>
    /// A token kept costs a few kilobytes (its text, its parsed form and its claims): at most some 100 MB at this many.
    /// An API node sees more applicants than this in the busiest hour (docs/capacity.md), but each uses its token a dozen
    /// times within minutes: after a sweep, a client still active costs one more validation.
    /// </summary>
    public const int DefaultCapacity = 20_000;

    private readonly ConcurrentDictionary<string, Kept> _kept = new(StringComparer.Ordinal);

    /// <summary>A validating handler for this API's tokens, with the claims under the names the tokens use.</summary>
    public static ValidatedTokens ForJwt(TimeProvider time) => new(new JsonWebTokenHandler { MapInboundClaims = false }, time);

    /// <summary>How many tokens are kept now.</summary>
    public int Count => _kept.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_kept.TryGetValue(token, out var kept))
        {
            if (Now < kept.Until)
            {
                return kept.Result();
            }

            _kept.TryRemove(token, out _);
        }

        var result = await inner.ValidateTokenAsync(token, validationParameters);
        if (result is { IsValid: true, SecurityToken: { } securityToken, ClaimsIdentity: { } identity })
        {
            Keep(token, new Kept(identity.Clone(), securityToken, result.Issuer, result.TokenType, securityToken.ValidTo + validationParameters.ClockSkew));
        }

        return result;
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private void Keep(string token, Kept kept)
    {
        if (_kept.Count >= capacity)
        {
            var now = Now;
            foreach (var (key, value) in _kept)
            {
                if (value.Until <= now)
                {
                    _kept.TryRemove(key, out _);
                }
            }

            if (_kept.Count >= capacity)
            {
                _kept.Clear();
            }
        }

        _kept[token] = kept;
    }

    /// <param name="Until">The end of the token's lifetime, skew included (UTC).</param>
    private sealed record Kept(ClaimsIdentity Identity, SecurityToken Token, string Issuer, string TokenType, DateTime Until)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = Token,
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
