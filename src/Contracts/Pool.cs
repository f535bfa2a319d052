using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>What a draw asks of the pool.</summary>
[GenerateSerializer, Immutable, Alias("PoolDraw")]
public sealed record PoolDraw(
    // Who holds the drawn numbers: the VIN of a formal selection.
    [property: Id(0)] string Holder,
    [property: Id(1)] PlateKind PlateKind,
    [property: Id(2)] EnergyKind Energy,
    [property: Id(3)] int Count,
    [property: Id(4)] bool ExcludeFour,
    [property: Id(5)] DateTimeOffset HoldUntil,
    // Numbers of the holder to give back first (the part of the old batch not kept as a backup).
    [property: Id(6)] IReadOnlyList<string> Release);

/// <summary>A confirmation to write into the ledger.</summary>
[GenerateSerializer, Immutable, Alias("PoolReservation")]
public sealed record PoolReservation(
    [property: Id(0)] string Vin,
    [property: Id(1)] string Plate,
    [property: Id(2)] ConfirmedBy By,
    [property: Id(3)] DateTimeOffset ReservedAt,
    [property: Id(4)] DateOnly ExchangeBy,
    // The pre-selection voucher the applicant shows at the window; null in a simulation.
    [property: Id(5)] string? VoucherCode = null);

/// <summary>The ledger's answer to a reservation.</summary>
[GenerateSerializer, Immutable, Alias("ReservationResult")]
public sealed record ReservationResult(
    [property: Id(0)] bool Reserved,
    // When the VIN already holds a live reservation (this one, written before: a retry; or another), that reservation
    // as the ledger has it: the caller adopts it, voucher code and all.
    [property: Id(1)] PoolReservation? Existing,
    [property: Id(2)] PlateError? Error);

/// <summary>
/// Where a selection gets its numbers: the office's pool grain for a formal selection (it is one), a private synthetic
/// pool for a practice run (Grains/Selection/SyntheticPlateSource).
/// </summary>
[Alias("PlateOrleans.IPlateSource")]
public interface IPlateSource
{
    /// <summary>Draws distinct available numbers of the series that fits the vehicle, and holds them.</summary>
    [Alias("Draw")]
    Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw);

    /// <summary>Holds (or keeps holding) numbers for a holder until a moment; answers which it now holds.</summary>
    [Alias("Hold")]
    Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until);

    /// <summary>Gives back numbers a holder no longer needs.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string holder, IReadOnlyList<string> plates);

    /// <summary>Reserves a number for a vehicle; answers after the ledger has it. Idempotent for the same VIN and plate.</summary>
    [Alias("Reserve")]
    Task<ReservationResult> ReserveAsync(PoolReservation reservation);

    /// <summary>
    /// The number was exchanged at the window: issued for good. False when the ledger holds no live reservation of it
    /// for this vehicle. Idempotent.
    /// </summary>
    [Alias("Issue")]
    Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at);

    /// <summary>The exchange deadline passed: the vehicle's reservation ends and the number is available again. Idempotent.</summary>
    [Alias("ReleaseReservation")]
    Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at);
}

/// <summary>An office's number pool: the allocator. Holds are in memory; reservations go to the ledger.</summary>
[Alias("PlateOrleans.IPlatePoolGrain")]
public interface IPlatePoolGrain : IGrainWithStringKey, IPlateSource
{
    [AlwaysInterleave, Alias("GetCounts")]
    Task<IReadOnlyList<SeriesCounts>> GetCountsAsync();

    /// <summary>Rebuilds the pool after a new publication or a new office prefix.</summary>
    [Alias("Publish")]
    Task PublishAsync(string prefix, PoolPublication publication);
}
