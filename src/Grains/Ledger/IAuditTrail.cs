namespace PlateOrleans.Grains.Ledger;

/// <summary>The kinds of event the audit trail keeps.</summary>
public static class AuditKinds
{
    public const string Draw = "draw";
    public const string Backup = "backup";
    public const string Confirmation = "confirmation";
    public const string AutoConfirmation = "auto_confirmation";
    public const string Release = "release";
    public const string Exchange = "exchange";
}

/// <summary>One event of a vehicle's trail: what happened, to which numbers, by whom, when.</summary>
public sealed record AuditEvent(
    DateTimeOffset At,
    string Kind,
    string Vin,
    string OfficeCode,
    string? Actor,
    IReadOnlyList<string> Plates,
    string? Detail = null);

/// <summary>
/// The append-only audit trail of draws, backups, confirmations, releases and exchanges, so that a dispute
/// ("I was shown a number someone else got") can be answered.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an event and answers once it is durable; concurrent appends are written together.</summary>
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>A vehicle's events, oldest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ReadByVinAsync(string vin, CancellationToken cancellationToken = default);
}
