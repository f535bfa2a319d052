using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Ledger;

/// <summary>
/// One row of the plate ledger (the registry of reserved and issued numbers). A row is live until it is released;
/// the store keeps at most one live row per (office, plate) and one per VIN.
/// </summary>
public sealed record LedgerEntry(
    string OfficeCode,
    string Plate,
    string Vin,
    ConfirmedBy By,
    DateTimeOffset ReservedAt,
    DateOnly ExchangeBy,
    DateTimeOffset? ExchangedAt = null,
    DateTimeOffset? ReleasedAt = null,
    string? VoucherCode = null)
{
    public bool IsLive => ReleasedAt is null;

    public bool IsIssued => ExchangedAt is not null;
}

/// <summary>How a reservation write went.</summary>
public enum LedgerWriteStatus
{
    /// <summary>The row is written and durable.</summary>
    Written,
    /// <summary>The same VIN already had this plate: a retry, nothing written.</summary>
    AlreadyWritten,
    /// <summary>Another VIN has this plate live; <see cref="LedgerWriteResult.Existing"/> is that row.</summary>
    PlateTaken,
    /// <summary>This VIN has another plate live; <see cref="LedgerWriteResult.Existing"/> is that row.</summary>
    VinHasOther,
}

public sealed record LedgerWriteResult(LedgerWriteStatus Status, LedgerEntry? Existing = null);

/// <summary>
/// The plate ledger: the durable truth of who has which number. Its unique guards are the last line against a double
/// assignment, even should two activations of a pool ever coexist.
/// </summary>
public interface IPlateLedger
{
    /// <summary>
    /// Writes a reservation and answers once it is durable. Concurrent calls are written together (one statement for
    /// all reservations pending at that moment). Throws <see cref="LedgerUnavailableException"/> when the store does not answer.
    /// </summary>
    Task<LedgerWriteResult> ReserveAsync(LedgerEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The live rows (reserved or issued) of an office: what a pool rebuilds from.</summary>
    Task<IReadOnlyList<LedgerEntry>> LiveByOfficeAsync(string officeCode, CancellationToken cancellationToken = default);

    /// <summary>The live row of a vehicle, if any: what a selection reconciles with.</summary>
    Task<LedgerEntry?> LiveByVinAsync(string vin, CancellationToken cancellationToken = default);

    /// <summary>Marks a live, not yet exchanged row as exchanged (the number is issued). False when there is none.</summary>
    Task<bool> MarkExchangedAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Releases a live, not exchanged row (its deadline passed). False when there is none.</summary>
    Task<bool> ReleaseAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The live row of an office with this plate or this voucher code, if any: what the exchange window looks up.</summary>
    Task<LedgerEntry?> FindLiveAsync(string officeCode, string? plate, string? voucherCode, CancellationToken cancellationToken = default);

    /// <summary>Every row of an office, live or not, oldest first: for operators and exports.</summary>
    Task<IReadOnlyList<LedgerEntry>> ListByOfficeAsync(string officeCode, CancellationToken cancellationToken = default);
}
