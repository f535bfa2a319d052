namespace PlateOrleans.Contracts;

/// <summary>Reads of the ledger and the audit trail for operators, run where the database is (any silo).</summary>
[Alias("PlateOrleans.ILedgerReaderGrain")]
public interface ILedgerReaderGrain : IGrainWithIntegerKey
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

    /// <summary>The events of an office or of an actor, newest first, at most <see cref="AuditQuery.Limit"/>.</summary>
    [Alias("FindAudit")]
    Task<IReadOnlyList<AuditRecord>> FindAuditAsync(AuditQuery query);
}

/// <summary>
/// Writes operators' actions (office settings, pool publication, vehicle import, accounts, blacklist) into the audit
/// trail, group-committed with the selections' events; answers once the event is durable.
/// </summary>
[Alias("PlateOrleans.IOperatorAuditGrain")]
public interface IOperatorAuditGrain : IGrainWithIntegerKey
{
    [Alias("Record")]
    Task RecordAsync(AuditRecord record);
}

/// <summary>
/// A search of the audit trail by office or by actor (one of them), optionally narrowed to some kinds and to events
/// before a moment (to page back), newest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string? OfficeCode,
    [property: Id(1)] string? Actor,
    // Empty: every kind.
    [property: Id(2)] IReadOnlyList<string> Kinds,
    [property: Id(3)] DateTimeOffset? Before,
    [property: Id(4)] int Limit);

/// <summary>The kinds of event the audit trail keeps: the steps of a selection, then operators' actions.</summary>
public static class AuditKinds
{
    public const string Draw = "draw";
    public const string Backup = "backup";
    public const string Confirmation = "confirmation";
    public const string AutoConfirmation = "auto_confirmation";
    public const string Release = "release";
    public const string Exchange = "exchange";

    public const string OfficeSettings = "office_settings";
    public const string PoolPublication = "pool_publication";
    public const string VehicleImport = "vehicle_import";
    public const string BlacklistLift = "blacklist_lift";
    public const string AccountDisabled = "account_disabled";
    public const string AccountEnabled = "account_enabled";
    public const string AccountCreated = "account_created";

    /// <summary>What operators and admins do, exchanges at the window included.</summary>
    public static IReadOnlyList<string> OperatorActions { get; } =
        [OfficeSettings, PoolPublication, VehicleImport, Exchange, BlacklistLift, AccountDisabled, AccountEnabled, AccountCreated];

    public static IReadOnlyList<string> All { get; } = [Draw, Backup, Confirmation, AutoConfirmation, Release, .. OperatorActions];
}
