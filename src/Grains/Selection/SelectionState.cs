using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>The persisted state of one vehicle's selection (or of a simulation, kept in memory only).</summary>
[GenerateSerializer, Alias("SelectionState")]
public sealed class SelectionState : IKeepsReplies
{
    /// <summary>Null until the vehicle first enters.</summary>
    [Id(0)] public SelectionStage? Stage { get; set; }
    [Id(1)] public string Vin { get; set; } = "";
    [Id(2)] public string OfficeCode { get; set; } = "";
    [Id(3)] public PlateKind PlateKind { get; set; }
    [Id(4)] public EnergyKind Energy { get; set; }
    /// <summary>ID number or credit code of the vehicle's owner: who may act on this selection.</summary>
    [Id(5)] public string OwnerIdNumber { get; set; } = "";
    /// <summary>The account that made the selection (the first to enter it), for the audit trail.</summary>
    [Id(6)] public string? ApplicantUsername { get; set; }
    /// <summary>Where codes and messages go: the owner's phone on the office's record.</summary>
    [Id(7)] public string? Phone { get; set; }
    /// <summary>The office's rules as they were at the first entry; a selection keeps them to the end.</summary>
    [Id(8)] public OfficeRules Rules { get; set; } = OfficeRules.Default;
    [Id(9)] public string? NoticeVersion { get; set; }
    [Id(10)] public DateTimeOffset? NoticeAcceptedAt { get; set; }
    [Id(11)] public int DrawsUsed { get; set; }
    /// <summary>The last batch drawn, kept after it lapses: auto-confirm takes its first number.</summary>
    [Id(12)] public BatchState? Batch { get; set; }
    [Id(13)] public List<string> Backups { get; set; } = [];
    [Id(14)] public DateTimeOffset? BackupsExpireAt { get; set; }
    [Id(15)] public SelectedView? Selected { get; set; }
    [Id(16)] public SmsChallenge? Sms { get; set; }
    /// <summary>When the system confirms by itself: set once the draws are spent.</summary>
    [Id(17)] public DateTimeOffset? AutoConfirmAt { get; set; }
    /// <summary>The answers by <c>Idempotency-Key</c> of the last 24 hours, newest last (<see cref="IdempotentReplies"/>).</summary>
    [Id(18)] public List<IdempotentReply> Replies { get; set; } = [];
    [Id(19)] public DateTimeOffset? EnteredAt { get; set; }
    /// <summary>The moment the durable wake-up reminder is registered for, if one is.</summary>
    [Id(20)] public DateTimeOffset? ReminderAt { get; set; }
    /// <summary>When the exchange deadline passed and the number went back to the pool.</summary>
    [Id(21)] public DateTimeOffset? LapsedAt { get; set; }
    /// <summary>The person (ID number) who made the selection: a lapse blacklists them, under every account they hold.</summary>
    [Id(22)] public string? ApplicantIdNumber { get; set; }
    /// <summary>
    /// An appointment being booked, moved or cancelled: written before any day's bookings change, cleared once the
    /// selection's own appointment (<see cref="SelectedView.Appointment"/>) says how it ended. Found after a crash, it
    /// says which day may hold a place that is not the selection's own.
    /// </summary>
    [Id(23)] public AppointmentChange? AppointmentChange { get; set; }
    /// <summary>When the reminder of the exchange deadline was sent (once).</summary>
    [Id(24)] public DateTimeOffset? DeadlineReminderSentAt { get; set; }

    public int RemainingDraws => Rules.DrawsPerVehicle - DrawsUsed;

    /// <summary>
    /// Forgets the selection that lapsed, so that the vehicle can enter anew once its applicant may again (entering
    /// then sets the vehicle, office and rules). The reminder bookkeeping stays: it describes what is registered.
    /// </summary>
    public void StartOver()
    {
        (Stage, NoticeVersion, NoticeAcceptedAt, EnteredAt, LapsedAt) = (null, null, null, null, null);
        (DrawsUsed, Batch, Backups, BackupsExpireAt, AutoConfirmAt) = (0, null, [], null, null);
        (Selected, Sms, Replies) = (null, null, []);
        (AppointmentChange, DeadlineReminderSentAt) = (null, null);
        (ApplicantUsername, ApplicantIdNumber) = (null, null);
    }

    /// <summary>Entered, past the information step, not finished.</summary>
    public bool InProgress => Stage is SelectionStage.ServiceInfo or SelectionStage.VerifyIdentity or SelectionStage.Drawing;

    /// <summary>The moment the system confirms by itself, while that is pending.</summary>
    public DateTimeOffset? PendingAutoConfirm => Selected is null && InProgress ? AutoConfirmAt : null;

    /// <summary>The moment an unexchanged number goes back to the pool and its applicant is blacklisted.</summary>
    public DateTimeOffset? ExchangeDeadline =>
        Stage == SelectionStage.Completed && Selected?.ExchangeBy is { } by ? OfficeCalendar.EndOf(by) : null;
}

/// <summary>An appointment change under way: from <paramref name="Previous"/> to <paramref name="Target"/> (null: cancelled).</summary>
[GenerateSerializer, Immutable, Alias("AppointmentChange")]
public sealed record AppointmentChange(
    [property: Id(0)] AppointmentView? Target,
    [property: Id(1)] AppointmentView? Previous,
    [property: Id(2)] DateTimeOffset At);

/// <summary>A drawn batch.</summary>
[GenerateSerializer, Alias("BatchState")]
public sealed record BatchState(
    [property: Id(0)] int Number,
    [property: Id(1)] IReadOnlyList<string> Plates,
    [property: Id(2)] bool ExcludeFour,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] bool BackupTaken);

/// <summary>
/// The last verification code sent, kept only as a hash. It outlives a re-entry (so the resend cooldown holds) and is
/// marked used once it verified, so each code verifies once.
/// </summary>
[GenerateSerializer, Alias("SmsChallenge")]
public sealed record SmsChallenge(
    [property: Id(0)] string CodeHash,
    [property: Id(1)] DateTimeOffset SentAt,
    [property: Id(2)] DateTimeOffset ExpiresAt,
    [property: Id(3)] DateTimeOffset ResendAfter,
    [property: Id(4)] DateTimeOffset ConfirmEnabledAt,
    [property: Id(5)] int AttemptsLeft)
{
    [Id(6)] public bool Used { get; init; }
}

/// <summary>
/// The first answer given to an <c>Idempotency-Key</c>, replayed for retries of the same command until a day after
/// <see cref="StoredAt"/>. The answer is kept serialized (<see cref="Reply"/>), done once when it is given: the state
/// is written whole on every step, and walking a dozen stored views each time was a twelfth of a request's CPU.
/// </summary>
[GenerateSerializer, Alias("IdempotentReply")]
public sealed record IdempotentReply(
    [property: Id(0)] string Key,
    [property: Id(1)] SelectionCommand Command,
    [property: Id(4)] byte[] Reply,
    [property: Id(3)] DateTimeOffset StoredAt)
{
    /// <summary>An answer stored before answers were kept serialized (null in those of now).</summary>
    [Id(2)] public SelectionReply? Earlier { get; init; }
}
