using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Operations;

/// <summary>
/// The development SMS outbox: what was "sent" to a phone, newest first, so that a person or a load test can read
/// codes. Mapped only in the Development environment with <c>Sms:Provider</c> <c>Outbox</c>; anywhere else the path
/// does not exist (and outside Development the process refuses the outbox: <see cref="Hosting.StartupChecks"/>).
/// </summary>
public static class DevEndpoints
{
    public static IEndpointRouteBuilder MapDevOutbox(this IEndpointRouteBuilder app, IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() && Silo.Sms.SmsHostingExtensions.IsOutbox(configuration))
        {
            app.MapGet("/api/v1/dev/sms", ListMessages)
                .WithTags("Development").AllowAnonymous().DisableRateLimiting()
                .WithName("ListSms").WithSummary("Development only: the messages sent to a phone, newest first.");
        }

        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<SmsMessage>>, Problem>> ListMessages(string? phone, IGrainFactory grains)
    {
        if (phone is not { Length: 11 } || !phone.All(char.IsAsciiDigit))
        {
            return new FieldErrors().Check(false, "phone", "手机号码为 11 位数字。").ToResult();
        }

        return TypedResults.Ok(await grains.Get<ISmsOutboxGrain>(phone).ListAsync());
    }
}
