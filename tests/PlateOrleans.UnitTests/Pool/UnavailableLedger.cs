using PlateOrleans.Grains.Ledger;
using PlateOrleans.Contracts;

namespace PlateOrleans.UnitTests.Pool;

/// <summary>
/// A fault injector for one path, not a replacement for the ledger: every reservation write fails the way a store that
/// does not answer fails (<see cref="LedgerUnavailableException"/>), at once or when <paramref name="gate"/> completes,
/// so that tests can prove the pool's undo path. Reads answer as an empty store. Everything else is tested against
/// <see cref="InMemoryPlateLedger"/>.
/// </summary>
internal sealed class UnavailableLedger(Task? gate = null) : IPlateLedger
{
    /// <summary>How many reservation writes were attempted.</summary>
    public int Writes { get; private set; }

    public async Task<LedgerWriteResult> ReserveAsync(LedgerEntry entry, CancellationToken cancellationToken = default)
    {
        Writes++;
        if (gate is not null)
        {
            await gate;
        }

        throw new LedgerUnavailableException("the ledger store does not answer");
    }

    public Task<IReadOnlyList<LedgerEntry>> LiveByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LedgerEntry>>([]);

    public Task<LedgerEntry?> LiveByVinAsync(string vin, CancellationToken cancellationToken = default) =>
        Task.FromResult<LedgerEntry?>(null);

    public Task<bool> MarkExchangedAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(false);

    public Task<bool> ReleaseAsync(string officeCode, string plate, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(false);

    public Task<LedgerEntry?> FindLiveAsync(string officeCode, string? plate, string? voucherCode, CancellationToken cancellationToken = default) =>
        Task.FromResult<LedgerEntry?>(null);

    public Task<IReadOnlyList<LedgerEntry>> ListByOfficeAsync(string officeCode, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<LedgerEntry>>([]);
}
