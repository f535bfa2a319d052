using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Grains.Selection;

/// <summary>Completion: confirming a number, the reservation in the ledger, reconciling with it, the exchange and the lapse.</summary>
public sealed partial class SelectionRules
{
    /// <summary>
    /// Confirms one valid backup: the number is reserved in the ledger first, then the selection is done. Confirming the
    /// number already confirmed answers the view again: a client retrying after a lost answer hears that it worked.
    /// </summary>
    public async Task<SelectionReply> ConfirmAsync(string plate)
    {
        if (state.Stage == SelectionStage.Completed && state.Selected?.Plate == plate)
        {
            return View();
        }

        if (state.Stage != SelectionStage.Drawing)
        {
            return WrongStage("请先完成身份验证。");
        }

        if (!PlateSerials.IsNevPlate(plate))
        {
            return PlateError.Validation("plate", "号牌号码格式不正确。");
        }

        var now = Now;
        if (!state.Backups.Contains(plate))
        {
            return new PlateError(ErrorCodes.PlateNotInBackups, "该号牌不在备选号牌中。");
        }

        if (state.BackupsExpireAt <= now)
        {
            return new PlateError(ErrorCodes.BackupExpired, "备选号牌已失效。");
        }

        var error = await ReserveAsync(plate, ConfirmedBy.User, now);
        if (error is not null)
        {
            if (error.Code == ErrorCodes.PlateUnavailable)
            {
                Changed = true;
                state.Backups.Remove(plate);
            }

            return error;
        }

        return View();
    }

    /// <summary>Reserves a number and completes the selection; reconciles when the ledger already has one for the vehicle.</summary>
    private async Task<PlateError?> ReserveAsync(string plate, ConfirmedBy by, DateTimeOffset now)
    {
        var exchangeBy = OfficeCalendar.LocalDate(now).AddDays(state.Rules.ValidityDays);
        var reservation = new PoolReservation(state.Vin, plate, by, now, exchangeBy, mode.IssuesVoucher ? NewVoucherCode() : null);
        var result = await plates.ReserveAsync(reservation);
        if (result.Existing is not null || result.Reserved)
        {
            Complete(result.Existing ?? reservation);
        }
        else
        {
            return result.Error ?? new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。");
        }

        var others = state.Backups.Concat(state.Batch?.Plates ?? []).Where(p => p != state.Selected!.Plate).Distinct().ToArray();
        if (others.Length > 0)
        {
            await plates.ReleaseAsync(state.Vin, others);
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
            mode.IssuesVoucher ? reservation.ExchangeBy : null,
            mode.IssuesVoucher ? reservation.VoucherCode ?? NewVoucherCode() : null,
            Appointment: null);
        Changed = true;
        state.Selected = selected;
        state.Stage = SelectionStage.Completed;
        state.AutoConfirmAt = null;
        _events.Add(new SelectionEvent.Confirmed(Now, selected, state.Phone));
    }

    /// <summary>
    /// The vehicle changed hands (re-imported with another owner): the selection follows the vehicle. The new owner
    /// must enter and verify their own phone; the former owner can no longer act on it.
    /// </summary>
    public void VehicleChanged(VehicleRecord vehicle)
    {
        if (state.Stage is null || (state.OwnerIdNumber == vehicle.OwnerIdNumber && state.Phone == vehicle.OwnerPhone))
        {
            return;
        }

        Changed = true;
        state.Phone = vehicle.OwnerPhone;
        if (state.OwnerIdNumber == vehicle.OwnerIdNumber)
        {
            return;
        }

        state.OwnerIdNumber = vehicle.OwnerIdNumber;
        if (state.Selected is null)
        {
            // Nothing confirmed yet: the selection becomes the new owner's. A confirmed one stays the applicant's,
            // whose blacklist a lapse would be.
            (state.ApplicantUsername, state.ApplicantIdNumber) = (null, null);
        }

        if (state.InProgress)
        {
            state.Stage = SelectionStage.ServiceInfo;
        }
    }

    /// <summary>Adopts a reservation the ledger holds for this vehicle (after a crash between ledger and state).</summary>
    public bool Reconcile(PoolReservation reservation)
    {
        if (state.Selected is not null || !state.InProgress)
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
        if (state.Stage == SelectionStage.Exchanged)
        {
            return View();
        }

        if (!mode.IssuesVoucher || state.Stage != SelectionStage.Completed || state.Selected is not { } selected)
        {
            return WrongStage("只有已完成预选、尚未换牌的号牌可以办理换牌。");
        }

        var now = Now;
        if (!await plates.IssueAsync(state.Vin, selected.Plate, now))
        {
            return new PlateError(ErrorCodes.PlateUnavailable, "号牌登记中没有该车辆的这条预选记录。");
        }

        Changed = true;
        state.Stage = SelectionStage.Exchanged;
        state.Selected = selected with { ExchangedAt = now };
        _events.Add(new SelectionEvent.Exchanged(now, selected.Plate, operatorUsername));
        return View();
    }

    /// <summary>
    /// The deadline passed without an exchange: the number goes back to the pool (ledger first) and the applicant is
    /// blacklisted for the office's blacklist days, counted from the deadline, whenever this runs.
    /// </summary>
    private async Task LapseAsync(DateTimeOffset deadline, DateTimeOffset now)
    {
        var plate = state.Selected!.Plate;
        await plates.ReleaseReservationAsync(state.Vin, plate, now);
        Changed = true;
        state.Stage = SelectionStage.Lapsed;
        state.LapsedAt = deadline;
        _events.Add(new SelectionEvent.Lapsed(now, plate, state.ApplicantIdNumber ?? state.OwnerIdNumber, state.ApplicantUsername, deadline.AddDays(state.Rules.BlacklistDays), state.Phone));
    }
}
