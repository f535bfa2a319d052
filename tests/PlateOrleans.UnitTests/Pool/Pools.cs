using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.UnitTests.Pool;

/// <summary>The few things the pool tests share: a moment to start from, publications, and the counts invariant.</summary>
internal static class Pools
{
    public const string Prefix = "冀A";

    public const string Office = "130100";

    /// <summary>The exchange deadline the pools' reservations carry.</summary>
    public static readonly DateOnly ExchangeBy = new(2025, 3, 24);

    /// <summary>A pool of <see cref="Office"/> over a ledger, on a clock.</summary>
    public static PlatePool NewPool(IPlateLedger ledger, TimeProvider time) => new(Office, Prefix, ledger, time, new CryptoRandomSource());

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
        AssertBlocksAddUp(counts);
        return counts;
    }

    /// <summary>Each block's counts add up to its size, and the blocks' counts to the series' counts.</summary>
    public static void AssertBlocksAddUp(SeriesCounts counts)
    {
        Assert.Equal(counts.Blocks, counts.BlockCounts.Select(b => b.Block));
        Assert.All(counts.BlockCounts, b => Assert.Equal(b.Total, b.Available + b.Held + b.Reserved + b.Issued));
        Assert.Equal(
            (counts.Total, counts.Available, counts.Held, counts.Reserved, counts.Issued),
            (counts.BlockCounts.Sum(b => b.Total), counts.BlockCounts.Sum(b => b.Available), counts.BlockCounts.Sum(b => b.Held),
                counts.BlockCounts.Sum(b => b.Reserved), counts.BlockCounts.Sum(b => b.Issued)));
    }

    /// <summary>Every plate of a small D series, with the prefix.</summary>
    public static IEnumerable<string> PlatesOf(string pattern)
    {
        var block = Contracts.Formats.SerialBlock.TryParse(pattern, PlateKind.Small, pattern[0], out var error)
            ?? throw new ArgumentException(error, nameof(pattern));
        return Enumerable.Range(0, block.Count).Select(i => Prefix + block.SerialAt(i));
    }
}
