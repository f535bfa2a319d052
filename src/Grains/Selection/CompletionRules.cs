using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>Completion: confirming a number, the reservation in the ledger, reconciling with it, the exchange and the lapse.</summary>
public sealed class CompletionRules(SelectionContext selection, IPlateSource plates, IRandomSource random)
{
    private SelectionState State => selection.State;

    private SelectionMode Mode => selection.Mode;

    private DateTimeOffset Now => selection.Now;

    /// <summary>
    /// Confirms one valid backup: the number is reserved in the ledger first, then the selection is done. Confirming the
    /// number already confirmed answers the view again: a client retrying after a lost answer hears that it worked.
    /// </summary>
    public async Task<SelectionReply> ConfirmAsync(string plate)
    {
        if (State.Stage == SelectionStage.Completed && State.Selected?.Plate == plate)
        {
            return selection.View();
        }

        if (State.Stage != SelectionStage.Drawing)
        {
            return selection.WrongStage("请先完成身份验证。");
        }

        if (!PlateSerials.IsNevPlate(plate))
        {
            return PlateError.Validation("plate", "号牌号码格式不正确。");
        }

        var now = Now;
        if (!State.Backups.Contains(plate))
        {
            return new PlateError(ErrorCodes.PlateNotInBackups, "该号牌不在备选号牌中。");
        }

        if (State.BackupsExpireAt <= now)
        {
            return new PlateError(ErrorCodes.BackupExpired, "备选号牌已失效。");
        }

        var error = await ReserveAsync(plate, ConfirmedBy.User, now);
        if (error is not null)
        {
            if (error.Code == ErrorCodes.PlateUnavailable)
            {
                selection.MarkChanged();
                State.Backups.Remove(plate);
            }

            return error;
        }

        return selection.View();
    }

    /// <summary>Reserves a number and completes the selection; reconciles when the ledger already has one for the vehicle.</summary>
    public async Task<PlateError?> ReserveAsync(string plate, ConfirmedBy by, DateTimeOffset now)
    {
        var exchangeBy = OfficeCalendar.LocalDate(now).AddDays(State.Rules.ValidityDays);
        var reservation = new PoolReservation(State.Vin, plate, by, now, exchangeBy, Mode.IssuesVoucher ? NewVoucherCode() : null);
        var result = await plates.ReserveAsync(reservation);
        if (result.Existing is not null || result.Reserved)
        {
            Complete(result.Existing ?? reservation);
        }
        else
        {
            return result.Error ?? new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。");
        }

        var others = State.Backups.Concat(State.Batch?.Plates ?? []).Where(p => p != State.Selected!.Plate).Distinct().ToArray();
        if (others.Length > 0)
        {
            await plates.ReleaseAsync(State.Vin, others);
        }

        return null;
    }

    /// <summary>Done: the reservation the ledger has is the selection's. A row written before vouchers existed gets one now.</summary>
    private void Complete(PoolReservation reservation)
    {
        var selected = new SelectedView(
            reservation.Plate,
            reservation.ReservedAt,
            reservation.By,
            Mode.IssuesVoucher ? reservation.ExchangeBy : null,
            Mode.IssuesVoucher ? reservation.VoucherCode ?? NewVoucherCode() : null,
            Appointment: null);
        selection.MarkChanged();
        State.Selected = selected;
        State.Stage = SelectionStage.Completed;
        State.AutoConfirmAt = null;
        selection.Record(new SelectionEvent.Confirmed(Now, selected, State.Phone));
    }

    /// <summary>Adopts a reservation the ledger holds for this vehicle (after a crash between ledger and state).</summary>
    public bool Reconcile(PoolReservation reservation)
    {
        if (State.Selected is not null || !State.InProgress)
        {
            return false;
        }

        Complete(reservation);
        return true;
    }

    /// <summary>
    /// The plate was exchanged at the window (an operator's step, whatever the online opening hours): the number is
    /// issued in the ledger first, then the selection is exchanged. An exchanged selection answers its view again.
    /// </summary>
    public async Task<SelectionReply> ExchangeAsync(string operatorUsername)
    {
        if (State.Stage == SelectionStage.Exchanged)
        {
            return selection.View();
        }

        if (!Mode.IssuesVoucher || State.Stage != SelectionStage.Completed || State.Selected is not { } selected)
        {
            return selection.WrongStage("只有已完成预选、尚未换牌的号牌可以办理换牌。");
        }

        var now = Now;
        if (!await plates.IssueAsync(State.Vin, selected.Plate, now))
        {
            return new PlateError(ErrorCodes.PlateUnavailable, "号牌登记中没有该车辆的这条预选记录。");
        }

        selection.MarkChanged();
        State.Stage = SelectionStage.Exchanged;
        State.Selected = selected with { ExchangedAt = now };
        selection.Record(new SelectionEvent.Exchanged(now, selected.Plate, operatorUsername));
        return selection.View();
    }

    /// <summary>
    /// The deadline passed without an exchange: the number goes back to the pool (ledger first) and the applicant is
    /// blacklisted for the office's blacklist days, counted from the deadline, whenever this runs. Answers whether it did.
    /// </summary>
    public async Task<bool> LapseIfDueAsync()
    {
        var now = Now;
        if (State.ExchangeDeadline is not { } deadline || deadline > now)
        {
            return false;
        }

        var plate = State.Selected!.Plate;
        await plates.ReleaseReservationAsync(State.Vin, plate, now);
        selection.MarkChanged();
        State.Stage = SelectionStage.Lapsed;
        State.LapsedAt = deadline;
        selection.Record(new SelectionEvent.Lapsed(now, plate, State.ApplicantIdNumber ?? State.OwnerIdNumber, State.ApplicantUsername, deadline.AddDays(State.Rules.BlacklistDays), State.Phone));
        return true;
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
}
