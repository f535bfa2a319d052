namespace PlateOrleans.Grains.Ledger;

/// <summary>
/// The ledger kept in process memory, for the in-memory storage mode and grain tests: the same guards as the
/// database (one live row per office and plate, one per VIN), lost when the process ends.
/// </summary>
public sealed class InMemoryPlateLedger : IPlateLedger
{
    private readonly object _gate = new();
    private readonly List<LedgerEntry> _rows = [];

    public Task<LedgerWriteResult> ReserveAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var byVin = _rows.FindLast(r => r.IsLive && r.Vin == entry.Vin);
            if (byVin is not null)
            {
                return Task.FromResult(byVin.OfficeCode == entry.OfficeCode && byVin.Plate == entry.Plate
                    ? new LedgerWriteResult(LedgerWriteStatus.AlreadyWritten, byVin)
                    : new LedgerWriteResult(LedgerWriteStatus.VinHasOther, byVin));
            }

            var byPlate = _rows.FindLast(r => r.IsLive && r.OfficeCode == entry.OfficeCode && r.Plate == entry.Plate);
            if (byPlate is not null)
            {
                return Task.FromResult(new LedgerWriteResult(LedgerWriteStatus.PlateTaken, byPlate));
            }

            _rows.Add(entry with { ExchangedAt = null, ReleasedAt = null });
            return Task.FromResult(new LedgerWriteResult(LedgerWriteStatus.Written));
        }
    }

    public Task<IReadOnlyList<LedgerEntry>> LiveByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Query(r => r.IsLive && r.OfficeCode == officeCode);

    public Task<LedgerEntry?> LiveByVinAsync(string vin, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.FindLast(r => r.IsLive && r.Vin == vin));
        }
    }

    public Task<bool> MarkExchangedAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Update(officeCode, plate, r => r with { ExchangedAt = at });

    public Task<bool> ReleaseAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Update(officeCode, plate, r => r with { ReleasedAt = at });

    public Task<LedgerEntry?> FindLiveAsync(string officeCode, string? plate, string? voucherCode, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_rows.FindLast(r => r.IsLive && r.OfficeCode == officeCode
                && (plate is null || r.Plate == plate) && (voucherCode is null || r.VoucherCode == voucherCode)
                && (plate ?? voucherCode) is not null));
        }
    }

    public Task<IReadOnlyList<LedgerEntry>> ListByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Query(r => r.OfficeCode == officeCode);

    private Task<IReadOnlyList<LedgerEntry>> Query(Predicate<LedgerEntry> match)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<LedgerEntry>>(_rows.FindAll(match));
        }
    }

    /// <summary>Changes the live, not exchanged row of a plate.</summary>
    private Task<bool> Update(string officeCode, string plate, Func<LedgerEntry, LedgerEntry> change)
    {
        lock (_gate)
        {
            var i = _rows.FindLastIndex(r => r.IsLive && !r.IsIssued && r.OfficeCode == officeCode && r.Plate == plate);
            if (i < 0)
            {
                return Task.FromResult(false);
            }

            _rows[i] = change(_rows[i]);
            return Task.FromResult(true);
        }
    }
}
