using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>The office's pool grain as a plate source.</summary>
public sealed class PoolGrainPlateSource(IPlatePoolGrain pool) : IPlateSource
{
    public Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw) => pool.DrawAsync(draw);

    public Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until) =>
        pool.HoldAsync(holder, plates, until);

    public Task ReleaseAsync(string holder, IReadOnlyList<string> plates) => pool.ReleaseAsync(holder, plates);

    public Task<ReservationResult> ReserveAsync(PoolReservation reservation) => pool.ReserveAsync(reservation);

    public Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at) => pool.IssueAsync(vin, plate, at);

    public Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at) => pool.ReleaseReservationAsync(vin, plate, at);
}
