using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using PlateOrleans.Silo.Hosting;

namespace PlateOrleans.Api.Operations;

/// <summary>
/// Limits (section <c>RateLimits</c>): a token bucket per signed-in user, another per address for anonymous calls, and
/// tighter ones per address for registering (<c>Register*</c>) and signing in (<c>SignIn*</c>). An address is the
/// client's as <see cref="Hosting.ForwardedHeadersSetup"/> found it: behind a configured proxy, the one it forwarded.
/// </summary>
public sealed class RateLimitOptions
{
    public int UserBurst { get; set; } = 40;
    public int UserPerSecond { get; set; } = 10;
    public int AddressBurst { get; set; } = 100;
    public int AddressPerSecond { get; set; } = 50;

    /// <summary>Registrations one address may make at once; then <see cref="RegisterPerPeriod"/> more each <see cref="RegisterPeriod"/>.</summary>
    public int RegisterBurst { get; set; } = 5;
    public int RegisterPerPeriod { get; set; } = 5;
    public TimeSpan RegisterPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Sign-ins one address may try at once; then <see cref="SignInPerSecond"/> more a second.</summary>
    public int SignInBurst { get; set; } = 10;
    public int SignInPerSecond { get; set; } = 1;

    /// <summary>
    /// Steps of formal selections (POSTs that write) in progress at once, in this API process; beyond it a step is
    /// refused at once with 503 and <c>Retry-After</c>, so that those admitted keep their latency. 0: no limit. Unset:
    /// <see cref="StandaloneConcurrentWrites"/> for an API that hosts its silo, <see cref="ClientConcurrentWrites"/>
    /// for an API node of a cluster.
    /// </summary>
    public int? ConcurrentWrites { get; set; }

    /// <remarks>
    /// Sized by the opening-day spike on a 2-core machine (<c>docs/benchmarks.md</c>, issue 7's twelfth stop): past the
    /// few dozen steps that keep the cores busy, more admitted steps mostly wait longer. On SQLite the worst
    /// endpoint's p99 was 162-406 ms at 256 and 118-119 ms at 96, the applicants finished within the same spread.
    /// </remarks>
    public const int StandaloneConcurrentWrites = 96;

    /// <remarks>
    /// An API node of a cluster waits for silos in other processes, so each step it admits is in progress longer: on
    /// the 2-silo loopback cluster 96 finished 6,408 applicants of the spike where 256 finished 11,624-12,582.
    /// </remarks>
    public const int ClientConcurrentWrites = 256;

    /// <summary>
    /// Steps of formal selections one signed-in user has in progress at once; beyond it the user's step is refused as
    /// overload is (503, <c>Retry-After</c>). A frontend sends one step at a time per vehicle: without it a few
    /// accounts sending bodies slowly could hold every place of <see cref="ConcurrentWrites"/>. 0: no limit.
    /// </summary>
    public int UserConcurrentWrites { get; set; } = 4;

    /// <summary>The limit in force: the configured one, or the default of the hosting mode.</summary>
    public int ConcurrentWritesFor(bool clusterClient) =>
        ConcurrentWrites ?? (clusterClient ? ClientConcurrentWrites : StandaloneConcurrentWrites);
}

/// <summary>Per-user and per-address rate limiting, answered with <c>rate_limited</c> and <c>Retry-After</c>.</summary>
public static class RateLimiting
{
    /// <summary>The policy of <c>POST /api/v1/auth/register</c>: a few accounts per address, so that no one mass-registers.</summary>
    public const string RegisterPolicy = "register";

    /// <summary>
    /// The policy of <c>POST /api/v1/auth/token</c>: each try hashes a password (deliberately slow), so an address gets
    /// far fewer of them than of other calls, and a password-guessing flood cannot take the cores from everyone else.
    /// </summary>
    public const string SignInPolicy = "sign-in";

    /// <summary>
    /// The policy of the steps of a formal selection: overload is answered early (503, Retry-After: 1) instead of after
    /// a wait that no one admitted would survive; see <see cref="RateLimitOptions.ConcurrentWrites"/>.
    /// </summary>
    public const string WritesPolicy = "writes";

    public static IServiceCollection AddPlateRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        var concurrentWrites = limits.ConcurrentWritesFor(OrleansHostingOptions.FromConfiguration(configuration).IsClient);
        services.AddSingleton(limits);
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.Identity?.IsAuthenticated == true
                    ? Bucket("user:" + http.User.Identity.Name, limits.UserBurst, limits.UserPerSecond, TimeSpan.FromSeconds(1))
                    : Bucket("ip:" + http.Connection.RemoteIpAddress, limits.AddressBurst, limits.AddressPerSecond, TimeSpan.FromSeconds(1)));
            o.AddPolicy(RegisterPolicy, http =>
                Bucket("register:" + http.Connection.RemoteIpAddress, limits.RegisterBurst, limits.RegisterPerPeriod, limits.RegisterPeriod));
            o.AddPolicy(SignInPolicy, http =>
                Bucket("sign-in:" + http.Connection.RemoteIpAddress, limits.SignInBurst, limits.SignInPerSecond, TimeSpan.FromSeconds(1)));
            o.AddPolicy(WritesPolicy, _ => concurrentWrites <= 0
                ? RateLimitPartition.GetNoLimiter("writes")
                : RateLimitPartition.GetConcurrencyLimiter("writes", _ => new ConcurrencyLimiterOptions { PermitLimit = concurrentWrites, QueueLimit = 0 }));
            o.OnRejected = async (context, cancellationToken) =>
            {
                if (!context.Lease.TryGetMetadata(MetadataName.RetryAfter, out _) && IsWrite(context.HttpContext))
                {
                    await RefuseAsOverloadedAsync(context.HttpContext);
                    return;
                }

                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, Problems.Create(new PlateError(ErrorCodes.RateLimited, "请求过于频繁，请稍后再试。") { RetryAfterSeconds = seconds }));
            };
        });
    }

    /// <summary>
    /// Refuses a signed-in user's step of a formal selection beyond <see cref="RateLimitOptions.UserConcurrentWrites"/>
    /// of theirs in progress, as overload is refused. Before the rate limiter, so that the steps refused here never
    /// take a place of the process-wide limit. A counter per user: nothing to walk, nothing kept for idle users.
    /// </summary>
    public static IApplicationBuilder UseUserWriteLimit(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<RateLimitOptions>().UserConcurrentWrites;
        if (limit <= 0)
        {
            return app;
        }

        var inProgress = new StepsInProgress(limit);
        return app.Use(async (http, next) =>
        {
            if (!IsWrite(http) || http.User.Identity is not { IsAuthenticated: true, Name: { } user })
            {
                await next(http);
                return;
            }

            if (!inProgress.TryEnter(user))
            {
                await RefuseAsOverloadedAsync(http);
                return;
            }

            try
            {
                await next(http);
            }
            finally
            {
                inProgress.Leave(user);
            }
        });
    }

    private static Task RefuseAsOverloadedAsync(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return Problems.Write(http, Problems.Create(new PlateError(ErrorCodes.Unavailable, "系统繁忙，请稍后重试。") { RetryAfterSeconds = 1 }));
    }

    /// <summary>Whether the request is a step of a formal selection (its endpoint has the <see cref="WritesPolicy"/>).</summary>
    private static bool IsWrite(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == WritesPolicy;

    private static RateLimitPartition<string> Bucket(string key, int burst, int perPeriod, TimeSpan period) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
}

/// <summary>How many steps each user has in progress; a user with none has no entry.</summary>
internal sealed class StepsInProgress(int limit)
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one more step of the user's, unless they have <c>limit</c> in progress already.</summary>
    public bool TryEnter(string user)
    {
        while (true)
        {
            if (!_counts.TryGetValue(user, out var count))
            {
                if (_counts.TryAdd(user, 1))
                {
                    return true;
                }
            }
            else if (count >= limit)
            {
                return false;
            }
            else if (_counts.TryUpdate(user, count + 1, count))
            {
                return true;
            }
        }
    }

    /// <summary>Counts one step of the user's less (one that <see cref="TryEnter"/> counted).</summary>
    public void Leave(string user)
    {
        while (true)
        {
            var count = _counts[user];
            if (count == 1 ? _counts.TryRemove(KeyValuePair.Create(user, 1)) : _counts.TryUpdate(user, count - 1, count))
            {
                return;
            }
        }
    }
}
