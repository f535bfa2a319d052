using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using PlateOrleans.Silo.Operations;

namespace PlateOrleans.Api.Operations;

public sealed record HealthStatus(string Status, int? Silos = null, IReadOnlyDictionary<string, string>? Checks = null);

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the silo cluster answers and the configured database
/// answers a trivial query (<see cref="StorageProbe"/>); otherwise 503 <c>unavailable</c> saying what is down. Both
/// answers list the checks, each <c>passed</c> or <c>failed</c>.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan _readyTimeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        health.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live"))).WithName("Live");
        health.MapGet("/ready", Ready).WithName("Ready")
            .WithSummary("Ready when the silo cluster and the database answer; otherwise 503 unavailable naming what is down.");
        return app;
    }

    private static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> Ready(IGrainFactory grains, StorageProbe storage, CancellationToken cancellationToken)
    {
        var silos = CountSilosAsync(grains, cancellationToken);
        var database = storage.AnswersAsync(cancellationToken);
        var checks = Readiness.Checks(("cluster", await silos is not null), ("storage", await database));
        if (checks.Values.All(c => c == Readiness.Passed))
        {
            return TypedResults.Ok(new HealthStatus("ready", await silos, checks));
        }

        var problem = Problems.Create(ErrorCodes.Unavailable, Readiness.Detail(checks, storage.Provider));
        problem.Extensions["checks"] = checks;
        return TypedResults.Problem(problem);
    }

    /// <summary>The active silos, or null when the cluster did not answer in time.</summary>
    private static async Task<int?> CountSilosAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(_readyTimeout, cancellationToken);
            return hosts.Count;
        }
        catch (Exception e) when (e is TimeoutException || ProblemExceptionHandler.IsTransient(e))
        {
            return null;
        }
    }
}
