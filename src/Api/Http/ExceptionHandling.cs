using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Http;

/// <summary>
/// Turns what escaped a handler into problem details: a request the framework could not read is the client's
/// <c>validation_failed</c>; a dependency that does not answer (database, silo) is <c>unavailable</c> (503, retry);
/// anything else is a bug, logged, and answered without a stack trace (in Development, where the tests run, with the
/// exception's type and message, so that a failure seen only on a CI machine names its cause).
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger, IHostEnvironment environment) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        ProblemDetails problem;
        if (exception is BadHttpRequestException bad)
        {
            problem = FromBadRequest(bad);
        }
        else if (IsTransient(exception))
        {
            logger.LogWarning("A dependency did not answer for {Method} {Path}: {Error}", httpContext.Request.Method, httpContext.Request.Path, exception.Message);
            problem = Problems.Create(ErrorCodes.Unavailable, "系统繁忙，请稍后重试。");
            httpContext.Response.Headers.RetryAfter = "1";
        }
        else
        {
            logger.LogError(exception, "Unhandled error for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Create(Problems.InternalError, "服务器内部错误。");
            if (environment.IsDevelopment())
            {
                problem.Extensions["exception"] = $"{exception.GetType().FullName}: {exception.Message}";
            }
        }

        await Problems.Write(httpContext, problem);
        return true;
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        switch (bad.StatusCode)
        {
            case StatusCodes.Status413PayloadTooLarge:
                return Problems.Create(Problems.PayloadTooLarge, "请求内容过大。");
            case StatusCodes.Status415UnsupportedMediaType:
                return Problems.Create(Problems.UnsupportedMediaType, "请求内容须为 JSON（Content-Type: application/json）。");
        }

        var (field, message) = bad.InnerException is JsonException json
            ? (FieldOf(json.Path), "格式或类型不正确。")
            : ("body", "请求内容不是有效的 JSON。");
        return Problems.Create(new PlateError(ErrorCodes.ValidationFailed, $"{field}: {message}")
        {
            Errors = new Dictionary<string, string[]> { [field] = [message] },
        });
    }

    /// <summary><c>$.rules.drawsPerVehicle</c> → <c>rules.drawsPerVehicle</c>; the whole body is <c>body</c>.</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>Whether the failure is a dependency not answering, which a retry can cure.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TimeoutException or DbException or LedgerUnavailableException or SiloUnavailableException
            or OrleansMessageRejectionException or ConnectionFailedException or InconsistentStateException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}
