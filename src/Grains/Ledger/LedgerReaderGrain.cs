using Orleans.Concurrency;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Ledger;

/// <summary>Operators' reads of the ledger and the audit trail: a stateless worker on whichever silo the call lands.</summary>
[StatelessWorker]
public sealed class LedgerReaderGrain(IPlateLedger ledger, IAuditTrail audit) : Grain, ILedgerReaderGrain
{
    public async Task<IReadOnlyList<Assignment>> GetAssignmentsAsync(string officeCode) =>
        [.. (await ledger.LiveByOfficeAsync(officeCode)).Select(ToAssignment)];

    public async Task<Assignment?> FindLiveAsync(string officeCode, string? plate, string? voucherCode) =>
        await ledger.FindLiveAsync(officeCode, plate, voucherCode) is { } entry ? ToAssignment(entry) : null;

    private static Assignment ToAssignment(LedgerEntry e) => new(e.Plate, e.Vin, e.OfficeCode, e.By, e.ReservedAt, e.ExchangeBy, e.ExchangedAt);

    public async Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string vin) =>
        [.. (await audit.ReadByVinAsync(vin)).Select(ToRecord)];

    public async Task<IReadOnlyList<AuditRecord>> FindAuditAsync(AuditQuery query) =>
        [.. (await audit.FindAsync(query)).Select(ToRecord)];

    private static AuditRecord ToRecord(AuditEvent e) => new(e.At, e.Kind, e.Vin, e.OfficeCode, e.Actor, e.Plates, e.Detail);
}
