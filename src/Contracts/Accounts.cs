using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>An account as stored: the password only as a hash.</summary>
[GenerateSerializer, Immutable, Alias("AccountRecord")]
public sealed record AccountRecord
{
    [Id(0)] public required string Username { get; init; }
    [Id(1)] public required string PasswordHash { get; init; }
    [Id(2)] public required Role Role { get; init; }
    [Id(3)] public string? Phone { get; init; }
    [Id(4)] public UserType? UserType { get; init; }
    /// <summary>Registration office of a citizen; the office an operator runs.</summary>
    [Id(5)] public string? OfficeCode { get; init; }
    /// <summary>ID number of a person, or unified social credit code of a unit.</summary>
    [Id(6)] public string? IdNumber { get; init; }
    // Id 7 held the account's blacklist; the blacklist is the person's now (OwnerRecord.BlacklistedUntil).
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    /// <summary>
    /// Changes whenever the password, the role or the disabled flag changes; every token carries the stamp it was
    /// issued with, and a token whose stamp is no longer the account's stops working at once.
    /// </summary>
    [Id(9)] public string SecurityStamp { get; init; } = "";
    /// <summary>Disabled by an admin: cannot sign in, its tokens stop working, its ID number is free again.</summary>
    [Id(10)] public bool Disabled { get; init; }
}

/// <summary>
/// A person (by ID number) or a unit (by unified social credit code): the vehicles it owns, the accounts it has
/// registered (one enabled at a time), and its blacklist, which reaches every account it holds.
/// </summary>
[GenerateSerializer, Immutable, Alias("OwnerRecord")]
public sealed record OwnerRecord(
    [property: Id(0)] IReadOnlyList<string> Vins,
    [property: Id(1)] IReadOnlyList<string> Usernames,
    // The enabled account that holds the ID number, if any.
    [property: Id(2)] string? Holder,
    [property: Id(3)] DateTimeOffset? BlacklistedUntil);

/// <summary>A registered vehicle, as imported by its office.</summary>
[GenerateSerializer, Immutable, Alias("VehicleRecord")]
public sealed record VehicleRecord(
    [property: Id(0)] string Vin,
    [property: Id(1)] string CurrentPlate,
    [property: Id(2)] PlateKind PlateKind,
    [property: Id(3)] EnergyKind Energy,
    [property: Id(4)] string OwnerIdNumber,
    [property: Id(5)] string OfficeCode,
    // The owner's phone on the office's record: it receives the selection's code and messages. Without it the
    // owner verifies at the window and the office imports it.
    [property: Id(6)] string? OwnerPhone = null);

/// <summary>A text message as the development outbox keeps it.</summary>
[GenerateSerializer, Immutable, Alias("SmsMessage")]
public sealed record SmsMessage(
    [property: Id(0)] string Phone,
    [property: Id(1)] string Text,
    [property: Id(2)] DateTimeOffset SentAt);

/// <summary>A reserved or issued number, as operators see the ledger.</summary>
[GenerateSerializer, Immutable, Alias("Assignment")]
public sealed record Assignment(
    [property: Id(0)] string Plate,
    [property: Id(1)] string Vin,
    [property: Id(2)] string OfficeCode,
    [property: Id(3)] ConfirmedBy By,
    [property: Id(4)] DateTimeOffset ReservedAt,
    [property: Id(5)] DateOnly ExchangeBy,
    [property: Id(6)] DateTimeOffset? ExchangedAt);

/// <summary>
/// One event of the audit trail: a step of a vehicle's selection, or an operator's action (no VIN; an action on an admin's
/// account concerns no office either).
/// </summary>
[GenerateSerializer, Immutable, Alias("AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string? Vin,
    [property: Id(3)] string? OfficeCode,
    [property: Id(4)] string? Actor,
    [property: Id(5)] IReadOnlyList<string> Plates,
    [property: Id(6)] string? Detail);

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
