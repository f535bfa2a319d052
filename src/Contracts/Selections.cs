using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>Who is asking, as the API knows it from the token.</summary>
[GenerateSerializer, Immutable, Alias("Caller")]
public sealed record Caller(
    [property: Id(0)] string Username,
    [property: Id(1)] Role Role,
    // The registration office of a citizen, or the office an operator runs.
    [property: Id(2)] string? OfficeCode,
    [property: Id(3)] string? IdNumber,
    [property: Id(4)] UserType? UserType)
{
    /// <summary>Whether this caller may look at (not act on) the selections of an office.</summary>
    public bool Oversees(string officeCode) =>
        Role == Role.Admin || (Role == Role.Operator && OfficeCode == officeCode);
}

/// <summary>A step of the selection flow. Records, so that a replayed <c>Idempotency-Key</c> is compared by value.</summary>
[GenerateSerializer, Immutable, Alias("SelectionCommand")]
public abstract record SelectionCommand
{
    /// <summary>Enter (start or resume) the selection.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.Enter")]
    public sealed record Enter : SelectionCommand;

    /// <summary>Confirm the vehicle and office information and accept a notice version.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.ConfirmInfo")]
    public sealed record ConfirmInfo([property: Id(0)] string NoticeVersion) : SelectionCommand;

    /// <summary>"Start selection" on the service-explanation step.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.Start")]
    public sealed record Start : SelectionCommand;

    /// <summary>Send a verification code to the account's phone.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.SendSmsCode")]
    public sealed record SendSmsCode : SelectionCommand;

    /// <summary>Check the verification code.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.Verify")]
    public sealed record Verify([property: Id(0)] string Code) : SelectionCommand;

    /// <summary>Draw a batch (随机一次 / 换一批).</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.Draw")]
    public sealed record Draw([property: Id(0)] bool ExcludeFour) : SelectionCommand;

    /// <summary>Keep one number of the current batch as a backup (备选).</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.AddBackup")]
    public sealed record AddBackup([property: Id(0)] string Plate) : SelectionCommand;

    /// <summary>Confirm one backup (确认选号).</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.Confirm")]
    public sealed record Confirm([property: Id(0)] string Plate) : SelectionCommand;

    /// <summary>Book (or move to) a place to exchange the plate (预约换领号牌的时间和地点).</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.BookAppointment")]
    public sealed record BookAppointment(
        [property: Id(0)] string LocationId,
        [property: Id(1)] DateOnly Date,
        [property: Id(2)] string Slot) : SelectionCommand;

    /// <summary>Cancel the booked appointment.</summary>
    [GenerateSerializer, Immutable, Alias("SelectionCommand.CancelAppointment")]
    public sealed record CancelAppointment : SelectionCommand;
}

/// <summary>The current batch of drawn numbers.</summary>
[GenerateSerializer, Immutable, Alias("BatchView")]
public sealed record BatchView(
    [property: Id(0)] int Number,
    [property: Id(1)] IReadOnlyList<string> Plates,
    [property: Id(2)] bool ExcludeFour,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] bool BackupTaken);

/// <summary>The valid backups and their shared countdown.</summary>
[GenerateSerializer, Immutable, Alias("BackupsView")]
public sealed record BackupsView(
    [property: Id(0)] IReadOnlyList<string> Plates,
    [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>A booked exchange appointment.</summary>
[GenerateSerializer, Immutable, Alias("AppointmentView")]
public sealed record AppointmentView(
    [property: Id(0)] string LocationId,
    [property: Id(1)] string LocationName,
    [property: Id(2)] DateOnly Date,
    [property: Id(3)] string Slot);

/// <summary>The confirmed number.</summary>
[GenerateSerializer, Immutable, Alias("SelectedView")]
public sealed record SelectedView(
    [property: Id(0)] string Plate,
    [property: Id(1)] DateTimeOffset ConfirmedAt,
    [property: Id(2)] ConfirmedBy By,
    // The last day (office calendar) to exchange the plate; null in a simulation.
    [property: Id(3)] DateOnly? ExchangeBy,
    [property: Id(4)] string? VoucherCode,
    [property: Id(5)] AppointmentView? Appointment)
{
    /// <summary>When the plate was exchanged at the office; null until then.</summary>
    [Id(6)] public DateTimeOffset? ExchangedAt { get; init; }
}

/// <summary>The Selection view of API.md.</summary>
[GenerateSerializer, Immutable, Alias("SelectionView")]
public sealed record SelectionView(
    [property: Id(0)] string Vin,
    [property: Id(1)] string OfficeCode,
    [property: Id(2)] bool Simulation,
    [property: Id(3)] SelectionStage Stage,
    [property: Id(4)] int DrawsAllowed,
    [property: Id(5)] int RemainingDraws,
    [property: Id(6)] BatchView? Batch,
    [property: Id(7)] BackupsView? Backups,
    [property: Id(8)] SelectedView? Selected,
    [property: Id(9)] DateTimeOffset ServerTime)
{
    /// <summary>When the system confirms by itself, once the draws are spent and nothing is confirmed.</summary>
    [Id(10)] public DateTimeOffset? AutoConfirmAt { get; init; }
}

/// <summary>The answer to "send me a code".</summary>
[GenerateSerializer, Immutable, Alias("SmsCodeSent")]
public sealed record SmsCodeSent(
    [property: Id(0)] string SentTo,
    [property: Id(1)] DateTimeOffset ResendAfter,
    [property: Id(2)] DateTimeOffset ConfirmEnabledAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] bool Simulated,
    [property: Id(5)] DateTimeOffset ServerTime);

/// <summary>What a selection step answers: a view, an SMS receipt, or an error. Stored whole for idempotent replays.</summary>
[GenerateSerializer, Immutable, Alias("SelectionReply")]
public sealed record SelectionReply(
    [property: Id(0)] SelectionView? View,
    [property: Id(1)] SmsCodeSent? Sms,
    [property: Id(2)] PlateError? Error)
{
    public static implicit operator SelectionReply(SelectionView view) => new(view, null, null);

    public static implicit operator SelectionReply(SmsCodeSent sms) => new(null, sms, null);

    public static implicit operator SelectionReply(PlateError error) => new(null, null, error);
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

/// <summary>The grain key of a user's practice run of a vehicle (<see cref="ISimulationSessionGrain"/>).</summary>
public static class SimulationKeys
{
    public static string Of(string vin, string username) => $"{vin}|{username}";
}

/// <summary>A practice run for one user and vehicle (key <see cref="SimulationKeys.Of"/>): nothing held, nothing kept.</summary>
[Alias("PlateOrleans.ISimulationSessionGrain")]
public interface ISimulationSessionGrain : ISelectionFlow
{
}
