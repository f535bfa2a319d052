using Orleans.Concurrency;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Ledger;

/// <summary>
/// Appends operators' actions to the audit trail: a stateless worker on whichever silo the call lands, so the API (which
/// may be a client of a cluster, with no database of its own) writes through the silos' group-committed trail.
/// </summary>
[StatelessWorker]
public sealed class OperatorAuditGrain(IAuditTrail audit) : Grain, IOperatorAuditGrain
{
    public Task RecordAsync(AuditRecord record) =>
        audit.AppendAsync(new AuditEvent(record.At, record.Kind, record.Vin, record.OfficeCode, record.Actor, record.Plates, record.Detail));
}
