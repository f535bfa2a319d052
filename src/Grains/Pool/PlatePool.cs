using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Grains.Pool;

/// <summary>
/// An office's pool: the allocator in memory and the ledger behind it. Draws, holds and releases touch memory only;
/// a reservation is marked in memory at once (so nobody else can take the number meanwhile) and answered once the
/// ledger has it, and taken back if the ledger refuses or does not answer. Callers may interleave while a reservation
/// waits for the ledger; every step on the allocator runs without an await in between.
/// </summary>
public sealed class PlatePool(string officeCode, string prefix, IPlateLedger ledger, TimeProvider time, IRandomSource random) : IPlateSource
{
    private readonly Dictionary<(string Vin, string Plate), Task<ReservationResult>> _pending = [];
    private PlateAllocator _allocator = new(prefix, PoolPublication.Empty, random);

    public string OfficeCode => officeCode;

    public PlateAllocator Allocator => _allocator;

    /// <summary>
    /// Lays out a publication and takes out every number the ledger has live. Holds running in the old layout are kept
    /// where the number is still published.
    /// </summary>
    public async Task PublishAsync(PoolPublication publication, CancellationToken cancellationToken = default)
    {
        var live = await ledger.LiveByOfficeAsync(officeCode, cancellationToken);
        var now = time.GetUtcNow();
        var next = new PlateAllocator(prefix, publication, random);

        // Reservations made while the ledger was read are in memory only so far: carry them, then let the ledger's
        // rows (the truth: an exchange makes a number issued) have the last word.
        foreach (var (plate, vin, issued) in _allocator.Assigned())
        {
            next.LoadAssigned(plate, vin, issued);
        }

        foreach (var entry in live)
        {
            next.LoadAssigned(entry.Plate, entry.Vin, entry.IsIssued);
        }

        foreach (var (holder, plate, until) in _allocator.Holds(now))
        {
            next.Hold(holder, [plate], until, now);
        }

        _allocator = next;
    }

    public Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw)
    {
        var now = time.GetUtcNow();
        if (draw.Release.Count > 0)
        {
            _allocator.Release(draw.Holder, draw.Release, now);
        }

        var plates = _allocator.Draw(draw.Holder, draw.PlateKind, draw.Energy, draw.Count, draw.ExcludeFour, draw.HoldUntil, now);
        return Task.FromResult<Outcome<IReadOnlyList<string>>>(plates.Count > 0
            ? new(plates, null)
            : new(null, new PlateError(ErrorCodes.PoolEmpty, draw.ExcludeFour ? "号池中已没有不含数字 4 的可选号牌。" : "号池中已没有可选号牌。")));
    }

    public Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until) =>
        Task.FromResult(_allocator.Hold(holder, plates, until, time.GetUtcNow()));

    public Task ReleaseAsync(string holder, IReadOnlyList<string> plates)
    {
        _allocator.Release(holder, plates, time.GetUtcNow());
        return Task.CompletedTask;
    }

    /// <summary>Reserves a number; a second call for the same vehicle and number while the first is writing shares its answer.</summary>
    public Task<ReservationResult> ReserveAsync(PoolReservation reservation)
    {
        var key = (reservation.Vin, reservation.Plate);
        if (_pending.TryGetValue(key, out var pending))
        {
            return pending;
        }

        var task = ReserveOnceAsync(reservation, key);
        if (!task.IsCompleted)
        {
            _pending[key] = task;
        }

        return task;
    }

    private async Task<ReservationResult> ReserveOnceAsync(PoolReservation reservation, (string, string) key)
    {
        try
        {
            return await WriteReservationAsync(reservation);
        }
        finally
        {
            _pending.Remove(key);
        }
    }

    private async Task<ReservationResult> WriteReservationAsync(PoolReservation reservation)
    {
        var (vin, plate) = (reservation.Vin, reservation.Plate);
        var attempt = _allocator.TryReserve(vin, plate, time.GetUtcNow());
        switch (attempt.Status)
        {
            case ReserveStatus.AlreadyReserved:
                // A retry: answer with the ledger's row, so that the selection keeps the voucher code written first.
                return new ReservationResult(true, await ledger.LiveByVinAsync(vin) is { } row ? ToReservation(row) : null, null);
            case ReserveStatus.Unavailable or ReserveStatus.NotPublished:
                return Unavailable();
        }

        LedgerWriteResult written;
        try
        {
            written = await ledger.ReserveAsync(new LedgerEntry(
                officeCode, plate, vin, reservation.By, reservation.ReservedAt, reservation.ExchangeBy, VoucherCode: reservation.VoucherCode));
        }
        catch (LedgerUnavailableException)
        {
            // The current allocator, not the one the write began on: a republication meanwhile carried the reservation over.
            _allocator.UndoReserve(vin, plate, attempt.PriorHoldUntil, time.GetUtcNow());
            return new ReservationResult(false, null, new PlateError(ErrorCodes.Unavailable, "系统繁忙，号牌未能确认，请稍后重试。"));
        }

        switch (written.Status)
        {
            case LedgerWriteStatus.Written:
                return new ReservationResult(true, null, null);
            case LedgerWriteStatus.AlreadyWritten:
                return new ReservationResult(true, written.Existing is { } first ? ToReservation(first) : null, null);
            case LedgerWriteStatus.PlateTaken:
                _allocator.ForceAssigned(plate, written.Existing!.Vin, written.Existing.IsIssued);
                return Unavailable();
            default:
                var existing = written.Existing!;
                _allocator.UndoReserve(vin, plate, attempt.PriorHoldUntil, time.GetUtcNow());
                _allocator.ForceAssigned(existing.Plate, existing.Vin, existing.IsIssued);
                return new ReservationResult(false, ToReservation(existing), null);
        }
    }

    /// <summary>A ledger row as the reservation it records.</summary>
    public static PoolReservation ToReservation(LedgerEntry entry) =>
        new(entry.Vin, entry.Plate, entry.By, entry.ReservedAt, entry.ExchangeBy, entry.VoucherCode);

    /// <summary>Marks a vehicle's reserved number issued, in the ledger first; false when the vehicle has no such reservation.</summary>
    public async Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at)
    {
        switch (_allocator.AssigneeOf(plate))
        {
            case { Issued: true } issued:
                return issued.Vin == vin;
            case { } reserved when reserved.Vin != vin:
                return false;
        }

        if (!await ledger.MarkExchangedAsync(officeCode, plate, at))
        {
            // Nothing to mark: right only when the vehicle's row was exchanged already (a retry).
            var row = await ledger.LiveByVinAsync(vin);
            if (row is not { IsIssued: true } || row.OfficeCode != officeCode || row.Plate != plate)
            {
                return false;
            }
        }

        _allocator.ForceAssigned(plate, vin, issued: true);
        return true;
    }

    /// <summary>Ends a vehicle's reservation, in the ledger first; a number now another vehicle's, or issued, is left alone.</summary>
    public async Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at)
    {
        if (_allocator.AssigneeOf(plate) is { } assignee && (assignee.Vin != vin || assignee.Issued))
        {
            return;
        }

        await ledger.ReleaseAsync(officeCode, plate, at);
        _allocator.ReleaseReserved(vin, plate);
    }

    private static ReservationResult Unavailable() =>
        new(false, null, new PlateError(ErrorCodes.PlateUnavailable, "该号牌已被他人选用。"));

    /// <summary>Live counts per series.</summary>
    public IReadOnlyList<SeriesCounts> Counts() => _allocator.Counts(time.GetUtcNow());

    /// <summary>Returns lapsed holds to the pool (the grain's one-second timer calls it so counts stay true without traffic).</summary>
    public void Sweep() => _allocator.Sweep(time.GetUtcNow());
}
