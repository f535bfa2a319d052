using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

/// <summary>
/// Draws must be uniform over what is available. Each test draws one number and gives it back many times and compares
/// the tallies with a chi-square test whose critical value has a false-failure probability of 1e-6 (values computed
/// with the regularized upper incomplete gamma function).
/// </summary>
public sealed class PlateAllocatorUniformityTests
{
    private const double Critical49 = 111.136;
    private const double Critical80 = 155.081;
    private const double Critical99 = 180.792;

    private static readonly DateTimeOffset _until = Opening.AddSeconds(90);

    [Fact]
    public void DrawsFromAHundredNumbersPassAChiSquareTest()
    {
        var allocator = Allocator(SmallPure("D012##"));

        var tally = DrawOneAndGiveItBack(allocator, excludeFour: false, times: 100_000);

        Assert.Equal(100, tally.Count);
        Assert.InRange(ChiSquare(tally, 100_000), 0, Critical99);
    }

    [Fact]
    public void ExcludeFourDrawsFromTheEightyOneNumbersWithoutAFourPassAChiSquareTest()
    {
        var allocator = Allocator(SmallPure("D012##"));

        var tally = DrawOneAndGiveItBack(allocator, excludeFour: true, times: 81_000);

        Assert.Equal(81, tally.Count);
        Assert.All(tally.Keys, plate => Assert.DoesNotContain('4', plate));
        Assert.InRange(ChiSquare(tally, 81_000), 0, Critical80);
    }

    [Fact]
    public void DrawsAreUniformOverWhatOthersDoNotHold()
    {
        var allocator = Allocator(SmallPure("D012##"));
        var heldByOthers = allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 50, false, Opening.AddDays(1), Opening);

        var tally = DrawOneAndGiveItBack(allocator, excludeFour: false, times: 50_000);

        Assert.Equal(PlatesOf("D012##").Except(heldByOthers).Order(StringComparer.Ordinal), tally.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(ChiSquare(tally, 50_000), 0, Critical49);
    }

    [Fact]
    public void TheFirstDrawFromAFreshPoolIsUniform()
    {
        var random = new CryptoRandomSource();

        var tally = FirstDrawOfFreshPools(random, pools: 20_000);

        Assert.Equal(100, tally.Count);
        Assert.InRange(ChiSquare(tally, 20_000), 0, Critical99);
    }

    [Fact]
    public void TheChiSquareCheckCatchesASourceWithModuloBias()
    {
        // The check must be able to fail: one random byte reduced modulo 100 favours 0 to 55 (3 chances in 256, not 2).
        var random = new ModuloBiasedRandomSource(seed: 2025);

        var tally = FirstDrawOfFreshPools(random, pools: 20_000);

        Assert.True(ChiSquare(tally, 20_000) > Critical99);
    }

    private static Dictionary<string, int> DrawOneAndGiveItBack(PlateAllocator allocator, bool excludeFour, int times)
    {
        var tally = new Dictionary<string, int>();
        for (var i = 0; i < times; i++)
        {
            var plate = Assert.Single(allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 1, excludeFour, _until, Opening));
            tally[plate] = tally.GetValueOrDefault(plate) + 1;
            allocator.Release("VIN-A", [plate], Opening);
        }

        return tally;
    }

    private static Dictionary<string, int> FirstDrawOfFreshPools(IRandomSource random, int pools)
    {
        var tally = new Dictionary<string, int>();
        for (var i = 0; i < pools; i++)
        {
            var allocator = Allocator(SmallPure("D012##"), random);
            var plate = Assert.Single(allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 1, false, _until, Opening));
            tally[plate] = tally.GetValueOrDefault(plate) + 1;
        }

        return tally;
    }

    /// <summary>Pearson's statistic of the tallies against a uniform expectation over the numbers that came up.</summary>
    private static double ChiSquare(Dictionary<string, int> tally, int draws)
    {
        var expected = (double)draws / tally.Count;
        return tally.Values.Sum(observed => (observed - expected) * (observed - expected) / expected);
    }

    /// <summary>The classic mistake: a random byte modulo the range. Seeded, so the test is deterministic.</summary>
    private sealed class ModuloBiasedRandomSource(int seed) : IRandomSource
    {
        private readonly Random _random = new(seed);

        public int Next(int maxExclusive) => _random.Next(256) % maxExclusive;
    }
}
