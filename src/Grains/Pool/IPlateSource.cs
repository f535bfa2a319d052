using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Pool;

/// <summary>
/// Where a selection gets its numbers: the office's pool for a formal selection, a private synthetic pool for a
/// simulation (the selection's own, see Selection/SyntheticPlateSource). The same calls as <see cref="IPlatePoolGrain"/>.
/// </summary>
public interface IPlateSource
{
    Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw);

    Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until);

    Task ReleaseAsync(string holder, IReadOnlyList<string> plates);

    Task<ReservationResult> ReserveAsync(PoolReservation reservation);

    Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at);

    Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at);
}
