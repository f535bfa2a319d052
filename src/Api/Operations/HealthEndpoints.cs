using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Operations;

public sealed record HealthStatus(string Status, int? Silos = null);

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the silo cluster answers too.</summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan _readyTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live"))).WithName("Live");
        health.MapGet("/ready", Ready).WithName("Ready");
        return app;
    }

    private static async Task<Results<Ok<HealthStatus>, Problem>> Ready(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_readyTimeout, cancellationToken);
            return TypedResults.Ok(new HealthStatus("ready", hosts.Count));
        }
        catch (Exception e) when (e is TimeoutException || ProblemExceptionHandler.IsTransient(e))
        {
            return Problems.Result(new PlateError(ErrorCodes.Unavailable, "silo 集群未响应。"));
        }
    }
}
