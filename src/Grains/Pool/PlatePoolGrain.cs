using Orleans.Concurrency;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Grains.Pool;

/// <summary>
/// The pool of one office. Reentrant: every allocator step is synchronous, so calls may interleave while a reservation
/// waits for the ledger, and draws never wait on I/O. The pool is rebuilt from the office's publication and the ledger
/// on activation; holds are not durable. Its counts go to <see cref="SelectionMetrics"/> every second, for the gauges.
/// </summary>
[Reentrant]
public sealed class PlatePoolGrain(IPlateLedger ledger, SelectionMetrics metrics, TimeProvider time) : Grain, IPlatePoolGrain
{
    private static readonly TimeSpan _sweepPeriod = TimeSpan.FromSeconds(1);
    private PlatePool _pool = null!;

    private string Code => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var office = await GrainFactory.Get<IOfficeGrain>(Code).GetAsync();
        _pool = new PlatePool(Code, office?.Settings.Prefix ?? "", ledger, time, new CryptoRandomSource());
        await _pool.PublishAsync(office?.Publication ?? PoolPublication.Empty, cancellationToken);
        metrics.PublishPool(Code, _pool.Counts());
        this.RegisterGrainTimer(
            () =>
            {
                // Counts() sweeps lapsed holds back first.
                metrics.PublishPool(Code, _pool.Counts());
                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions { DueTime = _sweepPeriod, Period = _sweepPeriod, Interleave = true, KeepAlive = false });
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Another silo may activate the pool next: its gauges are that silo's to report.
        metrics.RemovePool(Code);
        return Task.CompletedTask;
    }

    public Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw) => _pool.DrawAsync(draw);

    public Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until) =>
        _pool.HoldAsync(holder, plates, until);

    public Task ReleaseAsync(string holder, IReadOnlyList<string> plates) => _pool.ReleaseAsync(holder, plates);

    public Task<ReservationResult> ReserveAsync(PoolReservation reservation) => _pool.ReserveAsync(reservation);

    public Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at) => _pool.IssueAsync(vin, plate, at);

    public Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at) => _pool.ReleaseReservationAsync(vin, plate, at);

    public Task<IReadOnlyList<SeriesCounts>> GetCountsAsync() => Task.FromResult(_pool.Counts());

    public async Task PublishAsync(string prefix, PoolPublication publication)
    {
        if (prefix != _pool.Allocator.Prefix)
        {
            _pool = new PlatePool(Code, prefix, ledger, time, new CryptoRandomSource());
        }

        await _pool.PublishAsync(publication);
        metrics.PublishPool(Code, _pool.Counts());
    }
}
