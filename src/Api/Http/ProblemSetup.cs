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
                problem.Extensions["code"] = CodeOf(problem.Status ?? 500);
                problem.Detail ??= DetailOf(problem.Status ?? 500) ?? problem.Title;
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => JsonSetup.Configure(o.SerializerOptions));
        return services;
    }

    /// <summary>
    /// Problem details for the errors the framework answers with an empty body (unknown route, wrong method, the
    /// authentication challenge, a policy's refusal), as JSON whatever the request accepts; and a refusal of bodies
    /// in a charset other than UTF-8, which would otherwise fail deep in the JSON reader.
    /// </summary>
    public static IApplicationBuilder UsePlateProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var problem = Problems.Create(CodeOf(status), DetailOf(status) ?? ReasonPhrase(status));
            problem.Status = status;
            return Problems.Write(context.HttpContext, problem);
        });
        app.Use(async (http, next) =>
        {
            if (http.Request.ContentType is { } contentType && !IsUtf8(contentType))
            {
                await Problems.Write(http, Problems.Create(Problems.UnsupportedMediaType, "请求内容须为 UTF-8 编码的 JSON（Content-Type: application/json）。"));
                return;
            }

            await next(http);
        });
        return app;
    }

    private static bool IsUtf8(string contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    private static string CodeOf(int status) => status switch
    {
        400 => ErrorCodes.ValidationFailed,
        401 => ErrorCodes.Unauthenticated,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => Problems.MethodNotAllowed,
        413 => Problems.PayloadTooLarge,
        415 => Problems.UnsupportedMediaType,
        429 => ErrorCodes.RateLimited,
        500 => Problems.InternalError,
        503 => ErrorCodes.Unavailable,
        _ => ReasonPhrase(status).ToLowerInvariant().Replace(' ', '_'),
    };

    private static string? DetailOf(int status) => status switch
    {
        401 => "请先登录（Authorization: Bearer <token>）。",
        403 => "无权执行此操作。",
        404 => "请求的资源不存在。",
        405 => "该路径不支持此请求方法。",
        _ => null,
    };

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
