using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>An office (车管所), keyed by its 6-digit division code: settings, notice and pool publication.</summary>
[Alias("PlateOrleans.IOfficeGrain")]
public interface IOfficeGrain : IGrainWithStringKey
{
    /// <remarks>Interleaves with everything: the pool asks for it while the office may be waiting on the pool.</remarks>
    [AlwaysInterleave, Alias("Get")]
    Task<OfficeSnapshot?> GetAsync();

    /// <summary>
    /// The office, for a selection that keeps it (<paramref name="watcher"/>, an <see cref="ISelectionFlow"/>): every
    /// change is pushed to it until it stops watching.
    /// </summary>
    [AlwaysInterleave, Alias("Watch")]
    Task<OfficeSnapshot?> WatchAsync(GrainId watcher);

    [AlwaysInterleave, OneWay, Alias("Unwatch")]
    Task UnwatchAsync(GrainId watcher);

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

    /// <summary>The office changed (pushed by the office to the selections that watch it).</summary>
    /// <remarks>Interleaves: it only replaces what the selection keeps, and the office may be waiting on this selection's pool.</remarks>
    [AlwaysInterleave, Alias("OfficeChanged")]
    Task OfficeChangedAsync(OfficeSnapshot office);

    /// <summary>The blacklist of the person <paramref name="idNumber"/> changed (pushed by the person to their vehicles' selections).</summary>
    /// <remarks>Interleaves: a lapse blacklists from inside this selection's own step.</remarks>
    [AlwaysInterleave, Alias("BlacklistChanged")]
    Task BlacklistChangedAsync(string idNumber, DateTimeOffset? blacklistedUntil);
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

    /// <summary>
    /// The vehicle's record changed: a new owner (the selection follows the vehicle to them) or a new phone on record
    /// (the next code goes there).
    /// </summary>
    [Alias("VehicleChanged")]
    Task VehicleChangedAsync(VehicleRecord vehicle);
}

/// <summary>A practice run for one user and vehicle (key <c>VIN|username</c>): nothing held, nothing kept.</summary>
[Alias("PlateOrleans.ISimulationSessionGrain")]
public interface ISimulationSessionGrain : ISelectionFlow
{
}

/// <summary>An account, keyed <c>account:{lower-case username}</c> (see <see cref="GrainKeys.Account"/>).</summary>
[Alias("PlateOrleans.IAccountGrain")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <remarks>Read on every authenticated request (the security stamp): the activation is the cache, no storage read.</remarks>
    [ReadOnly, Alias("Get")]
    Task<AccountRecord?> GetAsync();

    /// <summary>
    /// Creates the account with a fresh security stamp; <c>username_taken</c> if it exists. Citizens register through
    /// <see cref="IOwnerGrain.RegisterAsync"/>, which holds their ID number for them.
    /// </summary>
    [Alias("Create")]
    Task<Outcome<AccountRecord>> CreateAsync(AccountRecord account);

    /// <summary>
    /// Creates the account or replaces its password and role (for the configured first admin); a changed password or
    /// role gets a new security stamp, so the tokens issued before stop working.
    /// </summary>
    [Alias("Upsert")]
    Task UpsertAsync(AccountRecord account);

    /// <summary>Disables or enables the account with a new security stamp; null when there is no such account.</summary>
    [Alias("SetDisabled")]
    Task<AccountRecord?> SetDisabledAsync(bool disabled);

    /// <summary>
    /// How long a sign-in from this address must wait before its password is even checked (zero: go on), after
    /// repeated failures: per address, and for the account as a whole from addresses that never signed in to it.
    /// </summary>
    [Alias("SignInWait")]
    Task<TimeSpan> SignInWaitAsync(string address);

    /// <summary>Records how a checked sign-in ended, for <see cref="SignInWaitAsync"/>.</summary>
    [Alias("RecordSignIn")]
    Task RecordSignInAsync(string address, bool succeeded);
}

/// <summary>
/// Where accounts say they changed (key 0): the API nodes subscribe, keep the accounts they check tokens against, and
/// drop one when told. Subscriptions are renewed every <see cref="RenewEvery"/> and forgotten after two missed renewals.
/// </summary>
[Alias("PlateOrleans.IAccountChangesGrain")]
public interface IAccountChangesGrain : IGrainWithIntegerKey
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    /// <summary>Subscribes or renews; false when this grain did not know the subscriber (it may have missed changes).</summary>
    [Alias("Subscribe")]
    Task<bool> SubscribeAsync(IAccountChangesObserver observer);

    /// <summary>Tells every subscriber, waiting (briefly) for each: the change acts on the next request everywhere.</summary>
    [Alias("Publish")]
    Task PublishAsync(string username);
}

/// <summary>An API node that keeps accounts (see <see cref="IAccountChangesGrain"/>).</summary>
[Alias("PlateOrleans.IAccountChangesObserver")]
public interface IAccountChangesObserver : IGrainObserver
{
    [Alias("AccountChanged")]
    Task AccountChangedAsync(string username);
}

/// <summary>
/// A person or unit, keyed by ID number or unified social credit code: its vehicles, the one account that holds the
/// ID number, and its blacklist, which reaches every account the person holds.
/// </summary>
[Alias("PlateOrleans.IOwnerGrain")]
public interface IOwnerGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("GetOwner")]
    Task<OwnerRecord> GetAsync();

    [ReadOnly, Alias("GetVins")]
    Task<IReadOnlyList<string>> GetVinsAsync();

    /// <summary>The end of the person's blacklist, if one runs or ran.</summary>
    [ReadOnly, Alias("GetBlacklistedUntil")]
    Task<DateTimeOffset?> GetBlacklistedUntilAsync();

    [Alias("AddVin")]
    Task AddVinAsync(string vin);

    [Alias("RemoveVin")]
    Task RemoveVinAsync(string vin);

    /// <summary>
    /// Registers a citizen account for this ID number: <c>id_number_taken</c> while another enabled account holds it,
    /// <c>username_taken</c> when the username exists. One person, one account.
    /// </summary>
    [Alias("Register")]
    Task<Outcome<AccountRecord>> RegisterAsync(AccountRecord account);

    /// <summary>The account was disabled: the ID number is free for the person who showed their ID card at the window.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string username);

    /// <summary>Enables a disabled account of this person again, unless another enabled account now holds the ID number.</summary>
    [Alias("Reclaim")]
    Task<Outcome<AccountRecord>> ReclaimAsync(string username);

    /// <summary>Blacklists until the later of <paramref name="until"/> and the blacklist already running (a deadline passed).</summary>
    [Alias("Blacklist")]
    Task BlacklistAsync(DateTimeOffset until);

    /// <summary>Lifts the blacklist (an admin's decision).</summary>
    [Alias("LiftBlacklist")]
    Task LiftBlacklistAsync();
}

/// <summary>How many verification codes one phone received today: a cap a single phone cannot go beyond, whoever asks.</summary>
[Alias("PlateOrleans.ISmsQuotaGrain")]
public interface ISmsQuotaGrain : IGrainWithStringKey
{
    /// <summary>Counts one more code for today; null when allowed, otherwise the moment the next one is.</summary>
    [Alias("TryTake")]
    Task<DateTimeOffset?> TryTakeAsync();
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
/// Grain references by string key. Orleans' <c>GetGrain&lt;T&gt;(string)</c> works out the grain type from the
/// interface on every call (attributes read by reflection, the type name formatted): a fifth of a request's grain-call
/// cost in the profile of issue 7. Here it is worked out once per interface and reused.
/// </summary>
public static class GrainReferences
{
    public static T Get<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var (grainType, interfaceType) = Types<T>.Resolved ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    private static (GrainType, GrainInterfaceType) Resolve<T>(IGrainFactory grains) where T : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)grains.GetGrain<T>("-");
        return (reference.GrainId.Type, reference.InterfaceType);
    }

    /// <summary>Per interface: the mapping is the same for every silo and client of one application.</summary>
    private static class Types<T>
    {
        public static (GrainType, GrainInterfaceType)? Resolved;
    }
}

/// <summary>
/// Grain keys that are not the plain natural key. Orleans' ADO.NET storage stores a string key that reads as
/// hexadecimal (up to 16 digits) by its numeric value, so "abc", "ABC" and "0abc" would share one stored state:
/// usernames get a prefix that no hexadecimal number has. VINs, ID numbers and office codes are safe as they are.
/// </summary>
public static class GrainKeys
{
    /// <remarks>Usernames are compared without regard to case: the key is the lower-case name.</remarks>
    public static IAccountGrain Account(this IGrainFactory grains, string username) =>
        grains.Get<IAccountGrain>("account:" + username.ToLowerInvariant());
}
