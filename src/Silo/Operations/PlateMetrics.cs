using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using PlateOrleans.Grains;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.Silo.Operations;

/// <summary>
/// What <c>/metrics</c> exports, in Prometheus text through OpenTelemetry, on the API and on a silo alike: Orleans'
/// meter, ASP.NET Core's (requests, Kestrel, routing, rate limiting, authentication, authorization), the runtime's,
/// and ours (<see cref="SelectionMetrics"/>, the SQLite writer's <see cref="SqliteWriter.MeterName"/>).
/// </summary>
public static class PlateMetrics
{
    /// <summary>Every meter exported, by name.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "System.Runtime",
        SelectionMetrics.MeterName,
        SqliteWriter.MeterName,
    ];

    public static IServiceCollection AddPlateMetrics(this IServiceCollection services)
    {
        // Enabled through the host's metrics builder rather than the SDK's AddMeter: a meter made by a host's
        // IMeterFactory (Orleans', ASP.NET Core's, ours) is then exported by that host only, even when several hosts
        // share a process (as tests do), while process-wide meters (the runtime's, the SQLite writer's) go to each.
        services.AddMetrics(metrics =>
        {
            foreach (var meter in Meters)
            {
                metrics.EnableMetrics(meter);
            }
        });
        // Every scrape reads the meters afresh: the exporter's default keeps an answer 300 ms, so a scrape right after a
        // step could miss it. Only staff (or a silo's token) scrape, and a scrape reads counters only.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }
}
