namespace PlateOrleans.Contracts;

/// <summary>Reads of the ledger and the audit trail for operators, run where the database is (any silo).</summary>
[Alias("PlateOrleans.IRegistryReaderGrain")]
public interface IRegistryReaderGrain : IGrainWithIntegerKey
{
    /// <summary>Every live (reserved or issued) number of an office, oldest first.</summary>
    [Alias("Assignments")]
    Task<IReadOnlyList<Assignment>> GetAssignmentsAsync(string officeCode);

    /// <summary>The live (reserved or issued) number of an office with this plate or voucher code, if any.</summary>
    [Alias("FindLive")]
    Task<Assignment?> FindLiveAsync(string officeCode, string? plate, string? voucherCode);

    /// <summary>A vehicle's trail, oldest first.</summary>
    [Alias("Audit")]
    Task<IReadOnlyList<AuditRecord>> GetAuditAsync(string vin);
}
