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

/// <summary>One event of a vehicle's audit trail.</summary>
[GenerateSerializer, Immutable, Alias("AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Vin,
    [property: Id(3)] string OfficeCode,
    [property: Id(4)] string? Actor,
    [property: Id(5)] IReadOnlyList<string> Plates,
    [property: Id(6)] string? Detail);
