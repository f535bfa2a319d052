using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.UnitTests.Pool;

/// <summary>The few things the pool tests share: a moment to start from, publications, and the counts invariant.</summary>
internal static class Pools
{
    public const string Prefix = "冀A";

    /// <summary>Opening day, 09:00 in Shijiazhuang.</summary>
    public static readonly DateTimeOffset Opening = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));

    public static PoolPublication SmallPure(params string[] blocks) => new([new SeriesBlocks(PlateKind.Small, 'D', blocks)]);

    public static PlateAllocator Allocator(PoolPublication publication, IRandomSource? random = null) =>
        new(Prefix, publication, random ?? new CryptoRandomSource());

    /// <summary>The counts of one small series, checked to add up to its total.</summary>
    public static SeriesCounts CountsOf(PlateAllocator allocator, char letter, DateTimeOffset now) =>
        CountsOf(allocator.Counts(now), letter);

    public static SeriesCounts CountsOf(IReadOnlyList<SeriesCounts> all, char letter)
    {
        var counts = Assert.Single(all, c => c.PlateKind == PlateKind.Small && c.EnergyLetter == letter);
        Assert.Equal(counts.Total, counts.Available + counts.Held + counts.Reserved + counts.Issued);
        return counts;
    }

    /// <summary>Every plate of a small D series, with the prefix.</summary>
    public static IEnumerable<string> PlatesOf(string pattern)
    {
        var block = Contracts.Formats.SerialBlock.TryParse(pattern, PlateKind.Small, pattern[0], out var error)
            ?? throw new ArgumentException(error, nameof(pattern));
        return Enumerable.Range(0, block.Count).Select(i => Prefix + block.SerialAt(i));
    }
}
