using System.Text.Json.Serialization;
using PlateOrleans.Baseline.Domain;

namespace PlateOrleans.Baseline.Http;

// The wire types of API.md, for the steps the baseline covers. Stages, kinds and roles travel as the contract's
// camelCase strings; times are UTC DateTime, which System.Text.Json writes with a Z.

public sealed record RegisterRequest(string? Username, string? Password, string? Phone, string? UserType, string? OfficeCode, string? IdNumber);

public sealed record RegisteredResponse(string Username, string UserType, string OfficeCode);

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

public sealed record MeResponse(string Username, string? UserType, string? OfficeCode, string? Phone, string[] Roles, DateTime? BlacklistedUntil);

public sealed record MyVehicle(string Vin, string CurrentPlate, string PlateKind, string Energy, string OfficeCode, bool Eligible, string? Reason, string? Stage);

public sealed record HoursRequest(string? From, string? To);

public sealed record RulesRequest(
    int? DrawsPerVehicle, int? PlatesPerDraw, int? BatchSeconds, int? BackupSeconds, int? ValidityDays, int? BlacklistDays,
    int? SmsCodeSeconds, int? SmsCooldownSeconds, int? SmsAttempts, int? SmsConfirmDelaySeconds);

public sealed record SlotRequest(string? Slot, int? Capacity);

public sealed record LocationRequest(string? Id, string? Name, List<SlotRequest?>? Slots);

public sealed record NoticeRequest(string? Version, string? Text);

/// <summary>The body of <c>PUT /api/v1/admin/offices/{code}</c>, as the product reads it.</summary>
public sealed record OfficeRequest(
    string? Name, string? Prefix, string? Province, DateTimeOffset? OpensAt, HoursRequest? Hours, bool? Maintenance,
    bool? CrossRegion, RulesRequest? Rules, List<LocationRequest?>? Locations, NoticeRequest? Notice);

public sealed record HoursDto(string From, string To);

public sealed record NoticeDto(string Version, string Text);

/// <summary>An office in the list: <c>nextOpenAt</c> is when it opens again if closed now (as the product answers).</summary>
public sealed record OfficeSummary(string Code, string Name, string Prefix, string Province, string State, DateTime? OpensAt, HoursDto Hours, DateTime? NextOpenAt);

public sealed record OfficeDetails(
    string Code, string Name, string Prefix, string Province, string State, DateTime? OpensAt, HoursDto Hours,
    bool Maintenance, bool CrossRegion, Rules Rules, List<Location> Locations, NoticeDto Notice);

public sealed record SeriesRequest(string? PlateKind, string? EnergyLetter, List<string?>? Blocks);

public sealed record PoolRequest(List<SeriesRequest?>? Series);

public sealed record SeriesDto(string PlateKind, string EnergyLetter, List<string> Blocks, int Total, int Available, int Held, int Reserved, int Issued);

public sealed record PoolResponse(string Code, string Prefix, List<SeriesDto> Series);

public sealed record VehicleImportItem(string? Vin, string? CurrentPlate, string? PlateKind, string? Energy, string? OwnerIdNumber, string? OwnerPhone);

public sealed record ImportRejection(int Index, string Code, string Detail);

public sealed record ImportResult(int Imported, List<ImportRejection> Rejected);

public sealed record Assignment(string Plate, string Vin, string OfficeCode, string By, DateTime ReservedAt, DateOnly ExchangeBy, DateTime? ExchangedAt);

public sealed record InfoConfirmationRequest(string? NoticeVersion);

public sealed record VerificationRequest(string? Code);

public sealed record DrawRequest(bool? ExcludeFour);

public sealed record PlateRequest(string? Plate);

public sealed record BatchView(int Number, string[] Plates, bool ExcludeFour, DateTime ExpiresAt, bool BackupTaken);

public sealed record BackupsView(string[] Plates, DateTime ExpiresAt);

public sealed record AppointmentView(string LocationId, string LocationName, DateOnly Date, string Slot);

public sealed record SelectedView(string Plate, DateTime ConfirmedAt, string By, DateOnly? ExchangeBy, string? VoucherCode, AppointmentView? Appointment, DateTime? ExchangedAt);

/// <summary>The Selection view of API.md.</summary>
public sealed record SelectionView(
    string Vin, string OfficeCode, bool Simulation, string Stage, int DrawsAllowed, int RemainingDraws,
    BatchView? Batch, BackupsView? Backups, SelectedView? Selected, DateTime ServerTime, DateTime? AutoConfirmAt);

public sealed record SmsCodeSent(string SentTo, DateTime ResendAfter, DateTime ConfirmEnabledAt, DateTime ExpiresAt, bool Simulated, DateTime ServerTime);

public sealed record SmsMessage(string Phone, string Text, DateTime SentAt);

/// <summary>RFC 9457 problem details with the contract's <c>code</c> and the optional fields of API.md.</summary>
public sealed record Problem(
    int Status,
    string Title,
    string Detail,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Dictionary<string, string[]>? Errors = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Stage = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? Until = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? AutoConfirmAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? OpensAt = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? AttemptsLeft = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? RetryAfter = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
