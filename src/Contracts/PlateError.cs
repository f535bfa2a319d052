namespace PlateOrleans.Contracts;

/// <summary>
/// A broken rule, as a value: a stable snake_case <see cref="Code"/> (see API.md), a human detail, and the
/// few facts a client needs to react (when a blacklist ends, which stage the selection is in, ...).
/// The API turns it into ProblemDetails in one place.
/// </summary>
[GenerateSerializer, Immutable, Alias("PlateError")]
public sealed record PlateError(
    [property: Id(0)] string Code,
    [property: Id(1)] string Detail)
{
    [Id(2)] public SelectionStage? Stage { get; init; }
    [Id(3)] public DateTimeOffset? Until { get; init; }
    [Id(4)] public DateTimeOffset? AutoConfirmAt { get; init; }
    [Id(5)] public DateTimeOffset? OpensAt { get; init; }
    [Id(6)] public int? AttemptsLeft { get; init; }
    [Id(7)] public int? RetryAfterSeconds { get; init; }
    [Id(8)] public string? Reason { get; init; }
    /// <summary>Field name to messages, for <c>validation_failed</c>.</summary>
    [Id(9)] public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    public static PlateError Validation(string field, string message) =>
        new(ErrorCodes.ValidationFailed, message) { Errors = new Dictionary<string, string[]> { [field] = [message] } };

    public static PlateError NotFound(string detail) => new(ErrorCodes.NotFound, detail);

    public static PlateError WrongStage(SelectionStage stage, string detail) =>
        new(ErrorCodes.WrongStage, detail) { Stage = stage };
}

/// <summary>The stable error codes of API.md.</summary>
public static class ErrorCodes
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
    public const string SlotFull = "slot_full";
    /// <summary>From the day before its date on, an appointment can no longer be moved or cancelled.</summary>
    public const string AppointmentLocked = "appointment_locked";
    public const string UsernameTaken = "username_taken";
    public const string IdNumberTaken = "id_number_taken";
    public const string NoPhoneOnRecord = "no_phone_on_record";
    public const string AccountDisabled = "account_disabled";
    public const string SmsCodeInvalid = "sms_code_invalid";
    public const string SmsCodeExpired = "sms_code_expired";
    public const string SmsTooEarly = "sms_too_early";
    public const string SmsCooldown = "sms_cooldown";
    public const string SmsAttemptsExceeded = "sms_attempts_exceeded";
    public const string RateLimited = "rate_limited";
    public const string Maintenance = "maintenance";
    /// <summary>The same <c>Idempotency-Key</c> was sent before with another request.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    /// <summary>A dependency (the database, the cluster) does not answer: try again shortly.</summary>
    public const string Unavailable = "unavailable";
}
