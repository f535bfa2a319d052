using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace PlateOrleans.ApiTests;

/// <summary>Registering and signing in from one address, with the shipped limits (the other limits lifted).</summary>
public sealed class AuthLimitFactory : ApiFactory
{
    public const int RegisterBurst = 5;
    public const int SignInBurst = 10;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:RegisterBurst"] = "5",
        ["RateLimits:RegisterPerPeriod"] = "5",
        ["RateLimits:RegisterPeriod"] = "00:10:00",
        ["RateLimits:SignInBurst"] = "10",
        ["RateLimits:SignInPerSecond"] = "1",
    };
}

/// <summary>
/// Every request arrives from the proxy at <see cref="Proxy"/>, as behind the shipped nginx; a registration budget of
/// two per address, none more for an hour. <see cref="TrustsProxy"/> says whether the proxy is configured as known.
/// </summary>
public abstract class BehindProxyFactory : ApiFactory
{
    public static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.2");

    public const int RegisterBurst = 2;

    protected abstract bool TrustsProxy { get; }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:RegisterBurst"] = "2",
        ["RateLimits:RegisterPerPeriod"] = "1",
        ["RateLimits:RegisterPeriod"] = "01:00:00",
        ["ForwardedHeaders:KnownProxies:0"] = TrustsProxy ? Proxy.ToString() : null,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new FromProxy()));
    }

    /// <summary>The in-memory server has no connection: this gives every request the proxy's address, first of all.</summary>
    private sealed class FromProxy : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, call) =>
            {
                http.Connection.RemoteIpAddress = Proxy;
                return call(http);
            });
            next(app);
        };
    }
}

public sealed class TrustedProxyFactory : BehindProxyFactory
{
    protected override bool TrustsProxy => true;
}

public sealed class UntrustedProxyFactory : BehindProxyFactory
{
    protected override bool TrustsProxy => false;
}

internal static class Registration
{
    /// <summary>A valid registration of a new person at <paramref name="office"/>, sent with <paramref name="forwardedFor"/> if given.</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string office, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/register")
        {
            Content = JsonContent.Create(new
            {
                username = $"mass{Next()}",
                password = "Passw0rd!",
                phone = $"137{Next():00000000}",
                userType = "owner",
                officeCode = office,
                idNumber = NewIdNumber(),
            }),
        };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return client.SendAsync(request);
    }

    /// <summary>Asserts the limiter's refusal: 429 rate_limited, with a Retry-After the client can wait for.</summary>
    public static async Task AssertLimitedAsync(HttpResponseMessage response, int maxRetryAfterSeconds)
    {
        var problem = await ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited", Task.FromResult(response));
        Assert.InRange(response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, maxRetryAfterSeconds);
        Assert.InRange(problem.GetProperty("retryAfter").GetInt32(), 1, maxRetryAfterSeconds);
    }
}

/// <summary>An attacker mass-registering or guessing passwords from one address.</summary>
public sealed class AuthLimitTests(AuthLimitFactory factory) : ApiTest<AuthLimitFactory>(factory), IClassFixture<AuthLimitFactory>
{
    [Fact]
    public async Task MassRegistrationFromOneAddressIsRefusedAfterTheBurst()
    {
        var office = await Api.CreateOfficeAsync();
        var attacker = Api.Anonymous();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await Registration.SendAsync(attacker, office));
        }

        Assert.All(answers.Take(AuthLimitFactory.RegisterBurst), a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        foreach (var refused in answers.Skip(AuthLimitFactory.RegisterBurst))
        {
            // One more token each two minutes: the client is told to come back in minutes, not hammer on.
            await Registration.AssertLimitedAsync(refused, 600);
        }
    }

    [Fact]
    public async Task AFloodOfSignInsFromOneAddressIsRefusedBeyondItsBudget()
    {
        var attacker = Api.Anonymous();

        // Each guess on an account of its own: what stops them is the address's budget, not an account's.
        var answers = await Task.WhenAll(Enumerable.Range(0, 3 * AuthLimitFactory.SignInBurst).Select(i =>
            attacker.PostAsJsonAsync("/api/v1/auth/token", new { username = $"victim{Next()}", password = $"guess-{i}" })));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        var tried = answers.Where(a => a.StatusCode != HttpStatusCode.TooManyRequests).ToList();
        Assert.All(tried, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        // The bucket refills by one a second: a few more than the burst may pass while the requests run.
        Assert.InRange(tried.Count, 1, AuthLimitFactory.SignInBurst + 3);
        Assert.NotEmpty(limited);
        foreach (var refused in limited)
        {
            await Registration.AssertLimitedAsync(refused, 60);
        }
    }
}

/// <summary>Behind the shipped nginx: the limits count the client's address, which only a configured proxy may tell.</summary>
public sealed class TrustedProxyTests(TrustedProxyFactory factory) : ApiTest<TrustedProxyFactory>(factory), IClassFixture<TrustedProxyFactory>
{
    [Fact]
    public async Task TwoClientsBehindAKnownProxyHaveABudgetEach()
    {
        var office = await Api.CreateOfficeAsync();
        var client = Api.Anonymous();

        for (var i = 0; i < BehindProxyFactory.RegisterBurst; i++)
        {
            await Expect(HttpStatusCode.Created, Registration.SendAsync(client, office, "203.0.113.7"));
        }

        await Registration.AssertLimitedAsync(await Registration.SendAsync(client, office, "203.0.113.7"), 3600);
        await Expect(HttpStatusCode.Created, Registration.SendAsync(client, office, "203.0.113.8"));
    }
}

/// <summary>Without a configured proxy, X-Forwarded-For is whatever an attacker typed: it must change nothing.</summary>
public sealed class UntrustedProxyTests(UntrustedProxyFactory factory) : ApiTest<UntrustedProxyFactory>(factory), IClassFixture<UntrustedProxyFactory>
{
    [Fact]
    public async Task AForgedForwardedForDoesNotBuyANewBudget()
    {
        var office = await Api.CreateOfficeAsync();
        var attacker = Api.Anonymous();

        for (var i = 0; i < BehindProxyFactory.RegisterBurst; i++)
        {
            await Expect(HttpStatusCode.Created, Registration.SendAsync(attacker, office, $"198.51.100.{i + 1}"));
        }

        await Registration.AssertLimitedAsync(await Registration.SendAsync(attacker, office, "198.51.100.99"), 3600);
        await Registration.AssertLimitedAsync(await Registration.SendAsync(attacker, office), 3600);
    }
}
