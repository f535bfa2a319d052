using Npgsql;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>Liveness (the process answers) and readiness (PostgreSQL answers), as the product has them.</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Text("Healthy")).AllowAnonymous();
        app.MapGet("/health/ready", Ready).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> Ready(NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return TypedResults.Text("Healthy");
        }
        catch (NpgsqlException)
        {
            return TypedResults.Text("Unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
