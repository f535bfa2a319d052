using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PlateOrleans.Silo.Operations;

/// <summary>
/// The silo's own small HTTP endpoint (section <c>Operations</c>): <c>/health/live</c>, <c>/health/ready</c> and
/// <c>/metrics</c> on <see cref="Address"/>:<see cref="Port"/>. Loopback by default, so that only a scraper on the same
/// machine (or in the same pod) reaches it. With <see cref="MetricsToken"/> set, <c>/metrics</c> answers only
/// <c>Authorization: Bearer &lt;token&gt;</c>; outside Development a silo refuses to start bound to another address
/// without a token, or with a token too short to be a secret.
/// </summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>The shortest scrape token accepted outside Development.</summary>
    public const int MinTokenLength = 24;

    public int Port { get; set; } = 8090;

    /// <summary>An IP address to listen on: <c>127.0.0.1</c> (the default), <c>0.0.0.0</c> or <c>::</c> for every interface.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The bearer token a scraper sends for <c>/metrics</c>; none: <c>/metrics</c> is open to whoever reaches the endpoint.</summary>
    public string? MetricsToken { get; set; }

    public static OperationsOptions FromConfiguration(IConfiguration configuration) =>
        configuration.GetSection(SectionName).Get<OperationsOptions>() ?? new OperationsOptions();

    /// <summary>What is wrong with these settings in this environment, each with the sentence that says what to change.</summary>
    public IEnumerable<string> Refusals(IHostEnvironment environment)
    {
        if (Port is < 1 or > 65535)
        {
            yield return $"Operations:Port is {Port}; use a TCP port from 1 to 65535 (environment variable Operations__Port).";
        }

        if (!IPAddress.TryParse(Address, out var address))
        {
            yield return $"Operations:Address '{Address}' is not an IP address; use 127.0.0.1 (the default), 0.0.0.0 or an interface's address.";
            yield break;
        }

        if (environment.IsDevelopment())
        {
            yield break;
        }

        if (string.IsNullOrEmpty(MetricsToken) && !IPAddress.IsLoopback(address))
        {
            yield return $"Operations:Address is {Address} without Operations:MetricsToken in the {environment.EnvironmentName} environment: "
                + "anyone who reaches the silo could read its metrics. Set Operations__MetricsToken to a random secret, or keep the default address 127.0.0.1.";
        }

        if (!string.IsNullOrEmpty(MetricsToken) && (MetricsToken.Length < MinTokenLength || MetricsToken.Contains("CHANGE-ME", StringComparison.OrdinalIgnoreCase)))
        {
            yield return $"Operations:MetricsToken is shorter than {MinTokenLength} characters or a placeholder: set it to a random secret.";
        }
    }

    /// <summary>Whether a request may read <c>/metrics</c>: any, without a token; otherwise the right bearer token (compared in constant time).</summary>
    public bool Admits(HttpRequest request)
    {
        if (string.IsNullOrEmpty(MetricsToken))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.Length > 1024 || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes first: FixedTimeEquals takes as long for any two inputs of one length, and the hashes have one length.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(MetricsToken));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}

/// <summary>Health and metrics of a silo process of its own (<see cref="OperationsOptions"/>).</summary>
public static class SiloOperations
{
    public static WebApplicationBuilder AddSiloOperations(this WebApplicationBuilder builder)
    {
        var options = OperationsOptions.FromConfiguration(builder.Configuration);
        var refusals = options.Refusals(builder.Environment).ToList();
        if (refusals.Count > 0)
        {
            throw new InvalidOperationException("Refusing to start: " + string.Join(" ", refusals));
        }

        builder.Services.AddSingleton(options);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(options.Address), options.Port));
        builder.Services.AddPlateMetrics();
        builder.Services.AddStorageProbe(builder.Configuration);
        return builder;
    }

    public static WebApplication MapSiloOperations(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<OperationsOptions>();
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", ReadyAsync);
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (http, next) =>
        {
            if (!options.Admits(http.Request))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "/metrics 需要抓取令牌（Authorization: Bearer <Operations:MetricsToken>）。").ExecuteAsync(http);
                return;
            }

            await next(http);
        }), optionsName: null);
        return app;
    }

    /// <summary>Ready when this silo is active in its cluster and the database answers.</summary>
    private static async Task<IResult> ReadyAsync(ISiloStatusOracle silo, StorageProbe storage, CancellationToken cancellationToken)
    {
        var active = silo.CurrentStatus == SiloStatus.Active;
        var database = await storage.AnswersAsync(cancellationToken);
        var checks = Readiness.Checks(("silo", active), ("storage", database));
        if (active && database)
        {
            return Results.Json(new { status = "ready", checks });
        }

        return Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", Readiness.Detail(checks, storage.Provider), new() { ["checks"] = checks });
    }

    private static IResult Problem(int status, string code, string detail, Dictionary<string, object?>? extensions = null)
    {
        extensions ??= [];
        extensions["code"] = code;
        return Results.Problem(statusCode: status, detail: detail, extensions: extensions);
    }
}
