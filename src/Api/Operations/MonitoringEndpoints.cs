using Microsoft.AspNetCore.Authorization;
using Orleans.Dashboard;
using PlateOrleans.Api.Auth;

namespace PlateOrleans.Api.Operations;

/// <summary>
/// What staff watch: <c>/metrics</c> (Prometheus text, <see cref="Silo.Operations.PlateMetrics"/>) and the Orleans
/// dashboard at <c>/dashboard</c>, for admins, operators and monitors, by bearer token or the sign-in cookie. The
/// dashboard's views of grain keys (the VINs of every office), reminders and the log stream are for admins and
/// monitors only: an operator runs one office, and sees the cluster, not other offices' vehicles.
/// </summary>
public static class MonitoringEndpoints
{
    /// <summary>
    /// The dashboard's routes (Microsoft.Orleans.Dashboard 10.4.2) that show no grain key: its page and assets, and the
    /// silo, grain-type and method statistics. Every other route, today <c>/GrainState</c> (a grain's state by its id),
    /// <c>/Reminders</c> (every reminder with its grain) and <c>/Trace</c> (the log stream), and any a later version
    /// adds, needs <see cref="AuthSetup.GrainKeysPolicy"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> OperatorRoutes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "", "/index.html", "/favicon.ico", "/index.min.js", "/index.css", "/fonts/{**path}", "/img/{**path}", "/version",
        "/DashboardCounters", "/ClusterStats", "/HistoricalStats/{*path}", "/SiloProperties/{*address}",
        "/SiloMetadata/{*address}", "/SiloStats/{*address}", "/SiloCounters/{*address}", "/GrainStats/{*grainName}",
        "/TopGrainMethods", "/GrainTypes", "/LifecycleStages",
    };

    public const string DashboardPath = "/dashboard";

    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AuthSetup.MonitoringPolicy).WithTags("Operations");

        var dashboard = app.MapOrleansDashboard(routePrefix: DashboardPath).RequireAuthorization(AuthSetup.MonitoringPolicy);
        ((IEndpointConventionBuilder)dashboard).Add(endpoint =>
        {
            if (RouteOf(endpoint) is not { } route || !OperatorRoutes.Contains(route))
            {
                endpoint.Metadata.Add(new AuthorizeAttribute(AuthSetup.GrainKeysPolicy));
            }
        });
        app.MapStaffSignIn();
        return app;
    }

    /// <summary>An endpoint's route below the dashboard's prefix (<c>/GrainState</c>), "" for its page; null when it has none.</summary>
    private static string? RouteOf(EndpointBuilder endpoint)
    {
        if (endpoint is not RouteEndpointBuilder { RoutePattern.RawText: { } route })
        {
            return null;
        }

        route = route.TrimEnd('/');
        return route.StartsWith(DashboardPath, StringComparison.OrdinalIgnoreCase) ? route[DashboardPath.Length..] : route;
    }
}
