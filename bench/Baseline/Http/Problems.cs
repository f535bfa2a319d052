using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using PlateOrleans.Baseline.Domain;

namespace PlateOrleans.Baseline.Http;

/// <summary>An answer already serialized: what a selection step stores for an <c>Idempotency-Key</c> and replays.</summary>
public sealed record Reply(int Status, string Json, bool IsProblem, int? RetryAfter = null, string? Code = null) : IResult
{
    public static Reply Of<T>(int status, T value, JsonTypeInfo<T> type) => new(status, JsonSerializer.Serialize(value, type), false);

    public static Reply Of(Error error, int? statusOverride = null)
    {
        var (status, title) = Codes.Describe(error.Code);
        if (statusOverride is { } overridden)
        {
            (status, title) = (overridden, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(overridden));
        }

        var problem = new Problem(status, title, error.Detail, error.Code, error.Errors, error.Stage, error.Until, error.AutoConfirmAt,
            error.OpensAt, error.AttemptsLeft, error.RetryAfter, error.Reason);
        return new(status, JsonSerializer.Serialize(problem, BaselineJson.Wire.Problem), true, error.RetryAfter ?? (status == 503 ? 1 : null), error.Code);
    }

    public Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = Status;
        http.Response.ContentType = IsProblem ? "application/problem+json; charset=utf-8" : "application/json; charset=utf-8";
        if (RetryAfter is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return http.Response.WriteAsync(Json, Encoding.UTF8);
    }
}

/// <summary>Collects what is wrong with a request, field by field, for one <c>validation_failed</c> answer.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public FieldErrors Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Add(field, message);
        }

        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public Reply ToReply() => Reply.Of(Error.Validation(_errors));

    public static Reply One(string field, string message) => Reply.Of(Error.Validation(field, message));

    public static Reply MissingBody() => One("body", "请求内容不能为空。");
}

/// <summary>Every error the framework answers (bad JSON, unknown route, 401, 403, an exception) as problem details with a code.</summary>
public static class ProblemSetup
{
    public static IApplicationBuilder UseBaselineProblems(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(error => error.Run(http =>
        {
            var exception = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
            var reply = exception switch
            {
                BadHttpRequestException bad => FieldErrors.One("body", bad.Message),
                NpgsqlException { IsTransient: true } or TimeoutException => Reply.Of(new Error(Codes.Unavailable, "数据库繁忙，请稍后再试。")),
                _ => Reply.Of(new Error(Codes.InternalError, "服务器内部错误。")),
            };
            return reply.ExecuteAsync(http);
        }));
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var error = status switch
            {
                400 => Error.Validation("body", "请求内容不是有效的 JSON，或字段类型不正确。"),
                401 => new Error(Codes.Unauthenticated, "请先登录（Authorization: Bearer <token>）。"),
                403 => new Error(Codes.Forbidden, "无权执行此操作。"),
                404 => new Error(Codes.NotFound, "请求的资源不存在。"),
                405 => new Error("method_not_allowed", "该路径不支持此请求方法。"),
                415 => new Error("unsupported_media_type", "请求内容须为 JSON。"),
                _ => new Error(Codes.InternalError, "服务器内部错误。"),
            };
            return Reply.Of(error, status).ExecuteAsync(context.HttpContext);
        });
        return app;
    }
}
