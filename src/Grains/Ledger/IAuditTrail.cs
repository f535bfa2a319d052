using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Ledger;

/// <summary>
/// One event of the trail: what happened, to which numbers, by whom, when. A vehicle's step has its VIN; an operator's
/// action has none, and an action on an admin's account no office.
/// </summary>
public sealed record AuditEvent(
    DateTimeOffset At,
    string Kind,
    string? Vin,
    string? OfficeCode,
    string? Actor,
    IReadOnlyList<string> Plates,
    string? Detail = null);

/// <summary>
/// The append-only audit trail of draws, backups, confirmations, releases and exchanges, so that a dispute
/// ("I was shown a number someone else got") can be answered, and of what operators did (see <see cref="AuditKinds"/>).
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an event and answers once it is durable; concurrent appends are written together.</summary>
    Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>A vehicle's events, oldest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ReadByVinAsync(string vin, CancellationToken cancellationToken = default);

    /// <summary>The events of an office or an actor (exactly one given), of the kinds asked (all when none), before a moment, newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
