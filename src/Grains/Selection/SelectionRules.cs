using System.Security.Cryptography;
using System.Text;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>What entering a selection needs to know about the world.</summary>
/// <param name="BlacklistedUntil">The end of the applicant's (the person's) blacklist, if one ran.</param>
public sealed record EntryFacts(OfficeSnapshot? Office, VehicleRecord? Vehicle, AccountRecord Applicant, DateTimeOffset? BlacklistedUntil);

/// <summary>
/// The selection flow of the seed document as a plain state machine over <see cref="SelectionState"/>: phase 1
/// (confirm information, accept the notice, service explanation), phase 2 (SMS verification, draws, backups,
/// confirmation), auto-confirm and re-entry. Every countdown is read from the injected clock and evaluated when asked,
/// so a lapsed batch reads as gone and a passed auto-confirm moment is acted on at the next call.
/// Steps return a reply (a view or the rule broken); what the outside must hear of is left in <see cref="TakeEvents"/>.
/// One file per rule: SelectionRules.Entry (entering, the gates, the blacklist), .SmsVerification, .Drawing (batches,
/// backups), .AutoConfirm, .Completion (confirmation, the ledger, exchange and lapse); this file holds the state's
/// bookkeeping and the view.
/// </summary>
public sealed partial class SelectionRules(SelectionState state, IPlateSource plates, TimeProvider time, SelectionMode mode, IRandomSource random)
{
    /// <summary>How long past the auto-confirm moment its number stays held, so a late timer still finds it.</summary>
    public static readonly TimeSpan AutoConfirmHoldGrace = TimeSpan.FromMinutes(5);

    private readonly List<SelectionEvent> _events = [];

    public SelectionState State => state;

    /// <summary>Whether a step changed the state since the last <see cref="TakeEvents"/> (so it must be saved).</summary>
    public bool Changed { get; private set; }

    public SelectionMode Mode => mode;

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The events recorded since the last call.</summary>
    public IReadOnlyList<SelectionEvent> TakeEvents()
    {
        var events = _events.ToArray();
        _events.Clear();
        Changed = false;
        return events;
    }

    /// <summary>The moment the system confirms by itself, while that is pending.</summary>
    public DateTimeOffset? PendingAutoConfirm => state.Selected is null && state.InProgress ? state.AutoConfirmAt : null;

    /// <summary>The moment an unexchanged number goes back to the pool and its applicant is blacklisted.</summary>
    public DateTimeOffset? ExchangeDeadline =>
        state.Stage == SelectionStage.Completed && state.Selected?.ExchangeBy is { } by ? OfficeCalendar.EndOf(by) : null;

    /// <summary>
    /// When something must happen without a caller: the auto-confirm; or, once confirmed, the first of an interrupted
    /// appointment change to finish, the reminder of the deadline, and the exchange deadline.
    /// </summary>
    public DateTimeOffset? NextWakeUp => PendingAutoConfirm ?? Earliest(AppointmentRepairAt, DeadlineReminderAt, ExchangeDeadline);

    private static DateTimeOffset? Earliest(params DateTimeOffset?[] moments) =>
        moments.Where(m => m.HasValue).Min();

    private PlateError DrawsExhausted() =>
        new(ErrorCodes.DrawsExhausted, "随机选号次数已用完，系统将自动确认最后一批随机号牌中的第一个号牌。") { AutoConfirmAt = state.AutoConfirmAt };

    private PlateError WrongStage(string detail) => PlateError.WrongStage(state.Stage ?? SelectionStage.ConfirmInfo, detail);

    /// <summary>The Selection view at this moment: lapsed batches and backups read as null.</summary>
    public SelectionView View()
    {
        var now = Now;
        var batch = state.Batch is { } b && b.ExpiresAt > now && state.Selected is null
            ? new BatchView(b.Number, b.Plates, b.ExcludeFour, b.ExpiresAt, b.BackupTaken)
            : null;
        var backups = state.Backups.Count > 0 && state.BackupsExpireAt is { } until && until > now && state.Selected is null
            ? new BackupsView([.. state.Backups], until)
            : null;
        return new SelectionView(
            state.Vin,
            state.OfficeCode,
            mode.IsPractice,
            state.Stage ?? SelectionStage.ConfirmInfo,
            state.Rules.DrawsPerVehicle,
            Math.Max(0, state.RemainingDraws),
            batch,
            backups,
            state.Selected,
            now)
        {
            AutoConfirmAt = PendingAutoConfirm,
        };
    }

    /// <summary>A new voucher code (see <see cref="VoucherCodes"/>) from the injected random source.</summary>
    private string NewVoucherCode() =>
        string.Create(VoucherCodes.Length, random, static (chars, source) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = VoucherCodes.Alphabet[source.Next(VoucherCodes.Alphabet.Length)];
            }
        });

    private string HashCode(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{state.Vin}:{code}")));
}

/// <summary>What <see cref="SelectionRules.CatchUpAsync"/> did: whether the state changed, or what kept it from acting.</summary>
public readonly record struct CatchUp(bool Changed, PlateError? Error)
{
    public static CatchUp Nothing => new(false, null);

    public static CatchUp Done => new(true, null);
}
