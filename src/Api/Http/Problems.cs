using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Http;

/// <summary>
/// The one place where a broken rule becomes an HTTP answer: RFC 9457 problem details with the stable <c>code</c> of
/// API.md, its status and title, and the fields a client acts on.
/// </summary>
public static class Problems
{
    private static readonly Dictionary<string, (int Status, string Title)> _codes = new()
    {
        [ErrorCodes.ValidationFailed] = (400, "The request is not valid."),
        [ErrorCodes.Unauthenticated] = (401, "Authentication is required."),
        [ErrorCodes.InvalidCredentials] = (401, "Wrong username or password."),
        [ErrorCodes.Forbidden] = (403, "Not allowed."),
        [ErrorCodes.NotOwner] = (403, "The vehicle is not yours."),
        [ErrorCodes.Blacklisted] = (403, "Blacklisted from online selection."),
        [ErrorCodes.RegionNotAllowed] = (403, "Not allowed to select at this office."),
        [ErrorCodes.NotFound] = (404, "Not found."),
        [ErrorCodes.NotEligible] = (409, "The vehicle may not pre-select an NEV plate."),
        [ErrorCodes.SelectionClosed] = (409, "Selection is closed now."),
        [ErrorCodes.WrongStage] = (409, "This step does not fit the selection's stage."),
        [ErrorCodes.DrawsExhausted] = (409, "No draws left."),
        [ErrorCodes.BatchExpired] = (409, "The batch has expired."),
        [ErrorCodes.BackupAlreadyTaken] = (409, "A backup was already taken from this batch."),
        [ErrorCodes.PlateNotInBatch] = (409, "The plate is not in the current batch."),
        [ErrorCodes.BackupExpired] = (409, "The backups have expired."),
        [ErrorCodes.PlateNotInBackups] = (409, "The plate is not among the valid backups."),
        [ErrorCodes.PlateUnavailable] = (409, "The plate was taken meanwhile."),
        [ErrorCodes.PoolEmpty] = (409, "The pool has no available number of this series."),
        [ErrorCodes.SlotFull] = (409, "The appointment slot is full."),
        [ErrorCodes.AppointmentLocked] = (409, "The appointment can no longer be moved or cancelled."),
        [ErrorCodes.UsernameTaken] = (409, "The username is taken."),
        [ErrorCodes.IdNumberTaken] = (409, "The ID number already has an account."),
        [ErrorCodes.NoPhoneOnRecord] = (409, "The owner has no phone on the office's record."),
        [ErrorCodes.AccountDisabled] = (401, "The account is disabled."),
        [ErrorCodes.IdempotencyKeyReused] = (422, "The Idempotency-Key was used for another request."),
        [ErrorCodes.SmsCodeInvalid] = (400, "Wrong verification code."),
        [ErrorCodes.SmsCodeExpired] = (410, "The verification code has expired or was never sent."),
        [ErrorCodes.SmsTooEarly] = (425, "Wait for the confirm countdown to end."),
        [ErrorCodes.SmsCooldown] = (429, "A code was sent moments ago."),
        [ErrorCodes.SmsAttemptsExceeded] = (429, "Too many wrong codes; request a new one."),
        [ErrorCodes.RateLimited] = (429, "Too many requests."),
        [ErrorCodes.Maintenance] = (503, "Under maintenance."),
        [ErrorCodes.Unavailable] = (503, "The service is busy; try again shortly."),
        [PayloadTooLarge] = (413, "The request body is too large."),
        [UnsupportedMediaType] = (415, "The request body must be JSON."),
        [MethodNotAllowed] = (405, "The method is not allowed here."),
        [InternalError] = (500, "Something went wrong on our side."),
    };

    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string InternalError = "internal_error";

    /// <summary>The HTTP status of an error code.</summary>
    public static int StatusOf(string code) => _codes.TryGetValue(code, out var c) ? c.Status : 500;

    /// <summary>The problem details of a broken rule.</summary>
    public static ProblemDetails Create(PlateError error)
    {
        var (status, title) = _codes.TryGetValue(error.Code, out var known) ? known : (500, "Error.");
        var problem = new ProblemDetails { Status = status, Title = title, Detail = error.Detail };
        problem.Extensions["code"] = error.Code;
        Add(problem, "errors", error.Errors);
        Add(problem, "stage", error.Stage);
        Add(problem, "until", error.Until);
        Add(problem, "autoConfirmAt", error.AutoConfirmAt);
        Add(problem, "opensAt", error.OpensAt);
        Add(problem, "attemptsLeft", error.AttemptsLeft);
        Add(problem, "retryAfter", error.RetryAfterSeconds);
        Add(problem, "reason", error.Reason);
        return problem;
    }

    /// <summary>The problem details of a code with a message.</summary>
    public static ProblemDetails Create(string code, string detail) => Create(new PlateError(code, detail));

    /// <summary>An <see cref="IResult"/> for a broken rule, with <c>Retry-After</c> where one applies.</summary>
    public static ProblemResult Result(PlateError error) => new(error);

    /// <summary>A validation error naming its fields.</summary>
    public static ProblemResult Validation(IReadOnlyDictionary<string, string[]> errors) =>
        Result(new PlateError(ErrorCodes.ValidationFailed, "请求参数有误：" + string.Join("；", errors.SelectMany(e => e.Value))) { Errors = errors });

    private static void Add(ProblemDetails problem, string name, object? value)
    {
        if (value is not null)
        {
            problem.Extensions[name] = value;
        }
    }

    /// <summary>Writes the problem through the app's problem details service, so every error looks the same.</summary>
    public sealed class ProblemResult(PlateError error) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusOf(error.Code);

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var problem = Create(error);
            if (error.RetryAfterSeconds is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }
            else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            {
                httpContext.Response.Headers.RetryAfter = "1";
            }

            return Write(httpContext, problem);
        }
    }

    /// <summary>Writes problem details as <c>application/problem+json</c> with the app's JSON options.</summary>
    public static Task Write(HttpContext httpContext, ProblemDetails problem)
    {
        httpContext.Response.StatusCode = problem.Status ?? 500;
        return TypedResults.Problem(problem).ExecuteAsync(httpContext);
    }
}
