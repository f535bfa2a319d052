using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.UnitTests.Selection;

public sealed class SyntheticPlateSourceTests
{
    private const string Prefix = "冀A";
    private static readonly DateTimeOffset _until = new(2025, 3, 3, 9, 1, 30, TimeSpan.FromHours(8));

    private static SyntheticPlateSource Source(params SeriesBlocks[] series) =>
        new(Prefix, new PoolPublication(series), new CryptoRandomSource());

    private static PoolDraw DrawOf(PlateKind kind, EnergyKind energy, int count = 10, bool excludeFour = false) =>
        new("practice", kind, energy, count, excludeFour, _until, []);

    private static async Task<IReadOnlyList<string>> Drawn(SyntheticPlateSource source, PoolDraw draw)
    {
        var outcome = await source.DrawAsync(draw);
        Assert.True(outcome.IsSuccess, outcome.Error?.Detail);
        return outcome.Value!;
    }

    [Theory]
    [InlineData(PlateKind.Small, EnergyKind.Pure, 'D', "D0####,DA####")]
    [InlineData(PlateKind.Small, EnergyKind.NonPure, 'F', "F1####")]
    [InlineData(PlateKind.Large, EnergyKind.Pure, 'D', "12###D")]
    public async Task NumbersFitTheOfficesSeriesAndPrefixAndAreDistinctWithinABatch(PlateKind kind, EnergyKind energy, char letter, string blocks)
    {
        var source = Source(
            new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "DA####"]),
            new SeriesBlocks(PlateKind.Small, 'F', ["F1####"]),
            new SeriesBlocks(PlateKind.Large, 'D', ["12###D"]));
        var universe = SeriesUniverse.TryCreate(new SeriesBlocks(kind, letter, blocks.Split(',')), out _)!;

        for (var i = 0; i < 100; i++)
        {
            var plates = await Drawn(source, DrawOf(kind, energy));

            Assert.Equal(10, plates.Count);
            Assert.Equal(10, plates.Distinct().Count());
            Assert.All(plates, plate =>
            {
                Assert.StartsWith(Prefix, plate, StringComparison.Ordinal);
                Assert.Equal((kind, letter), PlateSerials.ClassifySerial(plate.AsSpan(2)));
                Assert.True(universe.IndexOf(plate.AsSpan(2)) >= 0, $"{plate} is not published");
            });
        }
    }

    [Fact]
    public async Task ABatchAsLargeAsTheSeriesHoldsEveryNumberOnce()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D0000#"]));

        var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure));

        Assert.Equal(Enumerable.Range(0, 10).Select(d => $"冀AD0000{d}"), plates.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ExcludeFourNeverShowsADigitFour()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "D4####"]));

        for (var i = 0; i < 200; i++)
        {
            var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure, excludeFour: true));

            Assert.Equal(10, plates.Count);
            Assert.All(plates, plate => Assert.DoesNotContain('4', plate));
        }
    }

    [Fact]
    public async Task NumbersComeFromTheNextLetterWhenTheFirstSeriesIsMissing()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'A', ["A0####"]), new SeriesBlocks(PlateKind.Small, 'B', ["B0####"]));

        var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure));

        Assert.All(plates, plate => Assert.Equal('A', plate[2]));
    }

    [Fact]
    public async Task ASmallFirstSeriesIsCompletedFromTheNextLetter()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D0000#"]), new SeriesBlocks(PlateKind.Small, 'A', ["A0####"]));

        var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure, count: 15));

        Assert.Equal(15, plates.Distinct().Count());
        Assert.Equal(10, plates.Count(p => p[2] == 'D'));
        Assert.Equal(5, plates.Count(p => p[2] == 'A'));
    }

    [Fact]
    public async Task ExcludeFourSkipsASeriesWhoseNumbersAllHaveAFour()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D4####"]), new SeriesBlocks(PlateKind.Small, 'A', ["A0####"]));

        var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure, excludeFour: true));

        Assert.Equal(10, plates.Count);
        Assert.All(plates, plate => Assert.Equal('A', plate[2]));
    }

    [Theory]
    [InlineData(PlateKind.Small, EnergyKind.NonPure)]
    [InlineData(PlateKind.Large, EnergyKind.Pure)]
    [InlineData(PlateKind.Small, EnergyKind.Fuel)]
    public async Task AnOfficeWithoutASeriesForTheVehicleAnswersPoolEmpty(PlateKind kind, EnergyKind energy)
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D0####"]));

        var outcome = await source.DrawAsync(DrawOf(kind, energy));

        Assert.Null(outcome.Value);
        Assert.Equal(ErrorCodes.PoolEmpty, outcome.Error?.Code);
    }

    [Fact]
    public async Task HoldingAndReservingAlwaysSucceedAndTakeNothing()
    {
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D0000#"]));
        var plates = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure));

        var held = await source.HoldAsync("practice", plates, _until);
        var reserved = await source.ReserveAsync(new PoolReservation("practice", plates[0], ConfirmedBy.User, _until, new DateOnly(2025, 3, 24)));
        var again = await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure));

        Assert.Equal(plates, held);
        Assert.True(reserved.Reserved);
        Assert.Equal(10, again.Count);
    }

    [Fact]
    public async Task DrawsAreUniformOverTheSeries()
    {
        // Chi-square over 100 numbers, 100,000 single draws; 180.792 is the critical value for 99 degrees of freedom at
        // a false-failure probability of 1e-6.
        var source = Source(new SeriesBlocks(PlateKind.Small, 'D', ["D012##"]));
        var tally = new Dictionary<string, int>();
        for (var i = 0; i < 100_000; i++)
        {
            var plate = Assert.Single(await Drawn(source, DrawOf(PlateKind.Small, EnergyKind.Pure, count: 1)));
            tally[plate] = tally.GetValueOrDefault(plate) + 1;
        }

        var chiSquare = tally.Values.Sum(observed => (observed - 1_000.0) * (observed - 1_000.0) / 1_000.0);

        Assert.Equal(100, tally.Count);
        Assert.InRange(chiSquare, 0, 180.792);
    }
}
