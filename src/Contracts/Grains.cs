using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>An office (车管所), keyed by its 6-digit division code: settings, notice and pool publication.</summary>
[Alias("PlateOrleans.IOfficeGrain")]
public interface IOfficeGrain : IGrainWithStringKey
{
    /// <remarks>Interleaves with everything: the pool asks for it while the office may be waiting on the pool.</remarks>
    [AlwaysInterleave, Alias("Get")]
    Task<OfficeSnapshot?> GetAsync();

    /// <summary>Creates or updates the office; the settings must already be valid.</summary>
    [Alias("Put")]
    Task<OfficeSnapshot> PutAsync(OfficeSettings settings);

    /// <summary>Publishes the pool; the publication must already be valid.</summary>
    [Alias("PublishPool")]
    Task<Outcome<OfficeSnapshot>> PublishPoolAsync(PoolPublication publication);
}

/// <summary>The list of offices (one instance, key 0).</summary>
[Alias("PlateOrleans.IOfficeRegistryGrain")]
public interface IOfficeRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task AddAsync(string officeCode);

    [ReadOnly, Alias("GetCodes")]
    Task<IReadOnlyList<string>> GetCodesAsync();
}

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

/// <summary>An office's number pool: the allocator. Holds are in memory; reservations go to the ledger.</summary>
[Alias("PlateOrleans.IPlatePoolGrain")]
public interface IPlatePoolGrain : IGrainWithStringKey
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

    [AlwaysInterleave, Alias("GetCounts")]
    Task<IReadOnlyList<SeriesCounts>> GetCountsAsync();

    /// <summary>Rebuilds the pool after a new publication or a new office prefix.</summary>
    [Alias("Publish")]
    Task PublishAsync(string prefix, PoolPublication publication);
}

/// <summary>The steps common to a formal selection and a simulation.</summary>
[Alias("PlateOrleans.ISelectionFlow")]
public interface ISelectionFlow : IGrainWithStringKey
{
    /// <summary>Runs one step; a repeated <paramref name="idempotencyKey"/> answers the first reply again.</summary>
    [Alias("Execute")]
    Task<SelectionReply> ExecuteAsync(Caller caller, SelectionCommand command, string? idempotencyKey);

    [Alias("Read")]
    Task<SelectionReply> ReadAsync(Caller caller);
}

/// <summary>One vehicle's formal selection, keyed by VIN.</summary>
[Alias("PlateOrleans.ISelectionSessionGrain")]
public interface ISelectionSessionGrain : ISelectionFlow
{
    /// <summary>The stage, or null when the vehicle never entered.</summary>
    [Alias("GetStage")]
    Task<SelectionStage?> GetStageAsync();

    /// <summary>
    /// The plate was exchanged at the office's window (an operator's step): the number is issued and the selection is
    /// <see cref="SelectionStage.Exchanged"/>. Again for an exchanged selection: the same view.
    /// </summary>
    [Alias("Exchange")]
    Task<SelectionReply> ExchangeAsync(string operatorUsername);

    /// <summary>The vehicle changed hands: the selection follows it to the new owner.</summary>
    [Alias("ChangeOwner")]
    Task ChangeOwnerAsync(string ownerIdNumber);
}

/// <summary>A practice run for one user and vehicle (key <c>VIN|username</c>): nothing held, nothing kept.</summary>
[Alias("PlateOrleans.ISimulationSessionGrain")]
public interface ISimulationSessionGrain : ISelectionFlow
{
}

/// <summary>An account, keyed <c>account:{username}</c> (see <see cref="GrainKeys.Account"/>).</summary>
[Alias("PlateOrleans.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("Get")]
    Task<AccountRecord?> GetAsync();

    /// <summary>Creates the account; <c>username_taken</c> if it exists.</summary>
    [Alias("Create")]
    Task<Outcome<AccountRecord>> CreateAsync(AccountRecord account);

    /// <summary>Creates the account or replaces its password and role (for the configured first admin).</summary>
    [Alias("Upsert")]
    Task UpsertAsync(AccountRecord account);

    /// <summary>Sets or lifts (null) the blacklist.</summary>
    [Alias("SetBlacklist")]
    Task SetBlacklistAsync(DateTimeOffset? until);

    /// <summary>Blacklists until the later of <paramref name="until"/> and the blacklist already running (a deadline passed).</summary>
    [Alias("Blacklist")]
    Task BlacklistAsync(DateTimeOffset until);
}

/// <summary>The vehicles of one person or unit, keyed by ID number or unified social credit code.</summary>
[Alias("PlateOrleans.IOwnerGrain")]
public interface IOwnerGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("GetVins")]
    Task<IReadOnlyList<string>> GetVinsAsync();

    [Alias("AddVin")]
    Task AddVinAsync(string vin);

    [Alias("RemoveVin")]
    Task RemoveVinAsync(string vin);
}

/// <summary>A registered vehicle, keyed by VIN.</summary>
[Alias("PlateOrleans.IVehicleGrain")]
public interface IVehicleGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("Get")]
    Task<VehicleRecord?> GetAsync();

    /// <summary>Imports or updates the vehicle, moving it between owners when the owner changed.</summary>
    [Alias("Upsert")]
    Task UpsertAsync(VehicleRecord vehicle);
}

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

/// <summary>The development SMS outbox of one phone: what was "sent" to it.</summary>
[Alias("PlateOrleans.ISmsOutboxGrain")]
public interface ISmsOutboxGrain : IGrainWithStringKey
{
    /// <remarks>Awaited (not one-way), so a code is in the outbox by the time "sms-code" answers.</remarks>
    [Alias("Add")]
    Task AddAsync(SmsMessage message);

    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<SmsMessage>> ListAsync();
}

/// <summary>
/// Grain keys that are not the plain natural key. Orleans' ADO.NET storage stores a string key that reads as
/// hexadecimal (up to 16 digits) by its numeric value, so "abc", "ABC" and "0abc" would share one stored state:
/// usernames get a prefix that no hexadecimal number has. VINs, ID numbers and office codes are safe as they are.
/// </summary>
public static class GrainKeys
{
    public static IAccountGrain Account(this IGrainFactory grains, string username) =>
        grains.GetGrain<IAccountGrain>("account:" + username);
}
