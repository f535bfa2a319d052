namespace PlateOrleans.Baseline.Domain;

/// <summary>A broken rule as a value: a stable code of API.md, a human detail, and the facts a client reacts to.</summary>
public sealed record Error(string Code, string Detail)
{
    public string? Stage { get; init; }
    public DateTime? Until { get; init; }
    public DateTime? AutoConfirmAt { get; init; }
    public DateTime? OpensAt { get; init; }
    public int? AttemptsLeft { get; init; }
    public int? RetryAfter { get; init; }
    public string? Reason { get; init; }
    public Dictionary<string, string[]>? Errors { get; init; }

    public static Error Validation(string field, string message) =>
        new(Codes.ValidationFailed, "请求参数有误：" + message) { Errors = new() { [field] = [message] } };

    public static Error Validation(Dictionary<string, List<string>> errors) =>
        new(Codes.ValidationFailed, "请求参数有误：" + string.Join("；", errors.Select(e => $"{e.Key}: {string.Join("，", e.Value)}")))
        {
            Errors = errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
        };

    public static Error NotFound(string detail) => new(Codes.NotFound, detail);

    public static Error WrongStage(string stage, string detail) => new(Codes.WrongStage, detail) { Stage = stage };
}

/// <summary>The stable error codes of API.md and their HTTP status and title.</summary>
public static class Codes
{
    public const string ValidationFailed = "validation_failed";
    public const string Unauthenticated = "unauthenticated";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Forbidden = "forbidden";
    public const string NotOwner = "not_owner";
    public const string Blacklisted = "blacklisted";
    public const string RegionNotAllowed = "region_not_allowed";
    public const string NotFound = "not_found";
    public const string NotEligible = "not_eligible";
    public const string SelectionClosed = "selection_closed";
    public const string WrongStage = "wrong_stage";
    public const string DrawsExhausted = "draws_exhausted";
    public const string BatchExpired = "batch_expired";
    public const string BackupAlreadyTaken = "backup_already_taken";
    public const string PlateNotInBatch = "plate_not_in_batch";
    public const string BackupExpired = "backup_expired";
    public const string PlateNotInBackups = "plate_not_in_backups";
    public const string PlateUnavailable = "plate_unavailable";
    public const string PoolEmpty = "pool_empty";
    public const string UsernameTaken = "username_taken";
    public const string IdNumberTaken = "id_number_taken";
    public const string NoPhoneOnRecord = "no_phone_on_record";
    public const string SmsCodeInvalid = "sms_code_invalid";
    public const string SmsCodeExpired = "sms_code_expired";
    public const string SmsTooEarly = "sms_too_early";
    public const string SmsCooldown = "sms_cooldown";
    public const string SmsAttemptsExceeded = "sms_attempts_exceeded";
    public const string Maintenance = "maintenance";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string Unavailable = "unavailable";
    public const string InternalError = "internal_error";

    private static readonly Dictionary<string, (int Status, string Title)> _known = new()
    {
        [ValidationFailed] = (400, "The request is not valid."),
        [Unauthenticated] = (401, "Authentication is required."),
        [InvalidCredentials] = (401, "Wrong username or password."),
        [Forbidden] = (403, "Not allowed."),
        [NotOwner] = (403, "The vehicle is not yours."),
        [Blacklisted] = (403, "Blacklisted from online selection."),
        [RegionNotAllowed] = (403, "Not allowed to select at this office."),
        [NotFound] = (404, "Not found."),
        [NotEligible] = (409, "The vehicle may not pre-select an NEV plate."),
        [SelectionClosed] = (409, "Selection is closed now."),
        [WrongStage] = (409, "This step does not fit the selection's stage."),
        [DrawsExhausted] = (409, "No draws left."),
        [BatchExpired] = (409, "The batch has expired."),
        [BackupAlreadyTaken] = (409, "A backup was already taken from this batch."),
        [PlateNotInBatch] = (409, "The plate is not in the current batch."),
        [BackupExpired] = (409, "The backups have expired."),
        [PlateNotInBackups] = (409, "The plate is not among the valid backups."),
        [PlateUnavailable] = (409, "The plate was taken meanwhile."),
        [PoolEmpty] = (409, "The pool has no available number of this series."),
        [UsernameTaken] = (409, "The username is taken."),
        [IdNumberTaken] = (409, "The ID number already has an account."),
        [NoPhoneOnRecord] = (409, "No phone on record for the vehicle's owner."),
        [IdempotencyKeyReused] = (422, "The Idempotency-Key was used for another request."),
        [SmsCodeInvalid] = (400, "Wrong verification code."),
        [SmsCodeExpired] = (410, "The verification code has expired or was never sent."),
        [SmsTooEarly] = (425, "Wait for the confirm countdown to end."),
        [SmsCooldown] = (429, "A code was sent moments ago."),
        [SmsAttemptsExceeded] = (429, "Too many wrong codes; request a new one."),
        [Maintenance] = (503, "Under maintenance."),
        [Unavailable] = (503, "The service is busy; try again shortly."),
        [InternalError] = (500, "Something went wrong on our side."),
    };

    public static (int Status, string Title) Describe(string code) => _known.TryGetValue(code, out var d) ? d : (500, "Error.");
}
