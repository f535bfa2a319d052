using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// The private pool of a simulation: numbers that look like the office's (drawn uniformly from its published series)
/// but are never held, reserved or counted in the real pool, so practice never takes a number from an applicant.
/// </summary>
public sealed class SyntheticPlateSource(string prefix, PoolPublication publication, IRandomSource random) : IPlateSource
{
    private readonly SeriesUniverse[] _series = [.. publication.Series.Select(s => SeriesUniverse.TryCreate(s, out _)).OfType<SeriesUniverse>()];

    public Task<Outcome<IReadOnlyList<string>>> DrawAsync(PoolDraw draw)
    {
        var plates = new List<string>(draw.Count);
        foreach (var letter in EnergyLetters.For(draw.Energy))
        {
            var universe = _series.FirstOrDefault(s => s.PlateKind == draw.PlateKind && s.EnergyLetter == letter);
            if (universe is not null)
            {
                Sample(universe, draw.ExcludeFour, draw.Count - plates.Count, plates);
            }

            if (plates.Count == draw.Count)
            {
                break;
            }
        }

        return Task.FromResult<Outcome<IReadOnlyList<string>>>(plates.Count > 0
            ? new(plates, null)
            : new(null, new PlateError(ErrorCodes.PoolEmpty, "该车管所没有公示此类号牌的号池。")));
    }

    /// <summary>Adds up to <paramref name="count"/> distinct serials of a series, uniformly (rejecting repeats, which are rare).</summary>
    private void Sample(SeriesUniverse universe, bool excludeFour, int count, List<string> into)
    {
        var size = excludeFour ? universe.NoFourTotal : universe.Total;
        var chosen = new HashSet<int>();
        while (chosen.Count < Math.Min(count, size))
        {
            var index = random.Next(size);
            if (chosen.Add(index))
            {
                into.Add(prefix + (excludeFour ? universe.NoFourSerialAt(index) : universe.SerialAt(index)));
            }
        }
    }

    public Task<IReadOnlyList<string>> HoldAsync(string holder, IReadOnlyList<string> plates, DateTimeOffset until) =>
        Task.FromResult(plates);

    public Task ReleaseAsync(string holder, IReadOnlyList<string> plates) => Task.CompletedTask;

    public Task<ReservationResult> ReserveAsync(PoolReservation reservation) =>
        Task.FromResult(new ReservationResult(true, null, null));

    public Task<bool> IssueAsync(string vin, string plate, DateTimeOffset at) => Task.FromResult(true);

    public Task ReleaseReservationAsync(string vin, string plate, DateTimeOffset at) => Task.CompletedTask;
}
