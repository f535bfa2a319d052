using Microsoft.AspNetCore.Http.Json;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Http;

/// <summary>Every error the app writes, its own or the framework's (404, 405, 401, 403), as problem details with a <c>code</c>.</summary>
public static class ProblemSetup
{
    public static IServiceCollection AddPlateProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.Remove("traceId");
            if (!problem.Extensions.ContainsKey("code"))
            {
                problem.Extensions["code"] = problem.Status switch
                {
                    400 => ErrorCodes.ValidationFailed,
                    401 => ErrorCodes.Unauthenticated,
                    403 => ErrorCodes.Forbidden,
                    404 => ErrorCodes.NotFound,
                    405 => Problems.MethodNotAllowed,
                    413 => Problems.PayloadTooLarge,
                    415 => Problems.UnsupportedMediaType,
                    429 => ErrorCodes.RateLimited,
                    503 => ErrorCodes.Unavailable,
                    _ => Problems.InternalError,
                };
                problem.Detail ??= problem.Status switch
                {
                    401 => "请先登录（Authorization: Bearer <token>）。",
                    403 => "无权执行此操作。",
                    404 => "请求的资源不存在。",
                    _ => problem.Title,
                };
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => JsonSetup.Configure(o.SerializerOptions));
        return services;
    }
}
