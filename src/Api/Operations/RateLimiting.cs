using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Operations;

/// <summary>Limits (section <c>RateLimits</c>): a token bucket per signed-in user, another per address for anonymous calls.</summary>
public sealed class RateLimitOptions
{
    public int UserBurst { get; set; } = 40;
    public int UserPerSecond { get; set; } = 10;
    public int AddressBurst { get; set; } = 100;
    public int AddressPerSecond { get; set; } = 50;
}

/// <summary>Per-user and per-address rate limiting, answered with <c>rate_limited</c> and <c>Retry-After</c>.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddPlateRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.Identity?.IsAuthenticated == true
                    ? Bucket("user:" + http.User.Identity.Name, limits.UserBurst, limits.UserPerSecond)
                    : Bucket("ip:" + http.Connection.RemoteIpAddress, limits.AddressBurst, limits.AddressPerSecond));
            o.OnRejected = async (context, cancellationToken) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, Problems.Create(new PlateError(ErrorCodes.RateLimited, "请求过于频繁，请稍后再试。") { RetryAfterSeconds = seconds }));
            };
        });
    }

    private static RateLimitPartition<string> Bucket(string key, int burst, int perSecond) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}
