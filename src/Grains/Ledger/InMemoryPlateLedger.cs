namespace PlateOrleans.Grains.Ledger;

/// <summary>
/// The ledger kept in process memory, for the in-memory storage mode and grain tests: the same guards as the
/// database (one live row per office and plate, one per VIN), lost when the process ends. The live rows are found
/// through indexes, as the database's unique indexes find them, so that a reservation costs the same at the ten
/// thousandth applicant as at the first.
/// </summary>
public sealed class InMemoryPlateLedger : IPlateLedger
{
    private readonly object _gate = new();
    private readonly List<LedgerEntry> _rows = [];

    /// <summary>The position in <see cref="_rows"/> of each VIN's live row.</summary>
    private readonly Dictionary<string, int> _liveByVin = new(StringComparer.Ordinal);

    /// <summary>The position in <see cref="_rows"/> of each office's and plate's live row.</summary>
    private readonly Dictionary<(string OfficeCode, string Plate), int> _liveByPlate = [];

    public Task<LedgerWriteResult> ReserveAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_liveByVin.TryGetValue(entry.Vin, out var i))
            {
                var byVin = _rows[i];
                return Task.FromResult(byVin.OfficeCode == entry.OfficeCode && byVin.Plate == entry.Plate
                    ? new LedgerWriteResult(LedgerWriteStatus.AlreadyWritten, byVin)
                    : new LedgerWriteResult(LedgerWriteStatus.VinHasOther, byVin));
            }

            if (_liveByPlate.TryGetValue((entry.OfficeCode, entry.Plate), out i))
            {
                return Task.FromResult(new LedgerWriteResult(LedgerWriteStatus.PlateTaken, _rows[i]));
            }

            _rows.Add(entry with { ExchangedAt = null, ReleasedAt = null });
            _liveByVin[entry.Vin] = _rows.Count - 1;
            _liveByPlate[(entry.OfficeCode, entry.Plate)] = _rows.Count - 1;
            return Task.FromResult(new LedgerWriteResult(LedgerWriteStatus.Written));
        }
    }

    public Task<IReadOnlyList<LedgerEntry>> LiveByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Query(r => r.IsLive && r.OfficeCode == officeCode);

    public Task<LedgerEntry?> LiveByVinAsync(string vin, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_liveByVin.TryGetValue(vin, out var i) ? _rows[i] : null);
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
            if (!_liveByPlate.TryGetValue((officeCode, plate), out var i) || _rows[i].IsIssued)
            {
                return Task.FromResult(false);
            }

            var changed = _rows[i] = change(_rows[i]);
            if (!changed.IsLive)
            {
                _liveByVin.Remove(changed.Vin);
                _liveByPlate.Remove((officeCode, plate));
            }

            return Task.FromResult(true);
        }
    }
}
