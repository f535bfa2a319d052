using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

public sealed class PlateAllocatorDrawTests
{
    private static readonly DateTimeOffset _until = Opening.AddSeconds(90);

    [Fact]
    public void ADrawShowsTenDistinctNumbersOfTheVehiclesSeriesAllHeldByTheHolder()
    {
        var allocator = Allocator(new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "DA####"]),
            new SeriesBlocks(PlateKind.Small, 'F', ["F0####"]),
            new SeriesBlocks(PlateKind.Large, 'D', ["1####D"]),
        ]));

        var plates = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening);

        Assert.Equal(10, plates.Count);
        Assert.Equal(10, plates.Distinct().Count());
        Assert.All(plates, plate =>
        {
            var parsed = PlateSerials.Parse(plate);
            Assert.NotNull(parsed);
            Assert.Equal((Prefix, PlateKind.Small, 'D'), (parsed.Value.Prefix, parsed.Value.Kind, parsed.Value.EnergyLetter));
            Assert.Equal(NumberState.Held, allocator.StateOf(plate, Opening));
            Assert.Equal("VIN-A", allocator.HolderOf(plate, Opening));
        });
        var d = CountsOf(allocator, 'D', Opening);
        Assert.Equal((20_000, 19_990, 10), (d.Total, d.Available, d.Held));
    }

    [Theory]
    [InlineData(PlateKind.Small, EnergyKind.NonPure, 'F')]
    [InlineData(PlateKind.Large, EnergyKind.Pure, 'D')]
    [InlineData(PlateKind.Large, EnergyKind.NonPure, 'F')]
    public void EachVehicleDrawsOnlyFromItsOwnKindAndEnergy(PlateKind kind, EnergyKind energy, char letter)
    {
        var allocator = Allocator(new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'D', ["D0####"]),
            new SeriesBlocks(PlateKind.Small, 'F', ["F0####"]),
            new SeriesBlocks(PlateKind.Large, 'D', ["1####D"]),
            new SeriesBlocks(PlateKind.Large, 'F', ["1####F"]),
        ]));

        var plates = allocator.Draw("VIN-A", kind, energy, 10, false, _until, Opening);

        Assert.Equal(10, plates.Count);
        Assert.All(plates, plate => Assert.Equal((kind, letter), PlateSerials.ClassifySerial(plate.AsSpan(2))));
    }

    [Fact]
    public void AThousandHoldersShareATenThousandPoolWithoutOverlapAndTheNextGetsNone()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var shown = new List<string>();

        for (var h = 0; h < 1_000; h++)
        {
            var plates = allocator.Draw($"VIN-{h}", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening);
            Assert.Equal(10, plates.Count);
            shown.AddRange(plates);
        }

        Assert.Equal(PlatesOf("D0####").Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Empty(allocator.Draw("VIN-1000", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening));
        var d = CountsOf(allocator, 'D', Opening);
        Assert.Equal((0, 10_000), (d.Available, d.Held));
    }

    [Fact]
    public void ADrawWithExcludeFourNeverShowsADigitFour()
    {
        var allocator = Allocator(SmallPure("D0####", "D4####", "DA####"));

        for (var h = 0; h < 200; h++)
        {
            var plates = allocator.Draw($"VIN-{h}", PlateKind.Small, EnergyKind.Pure, 10, true, _until, Opening);
            Assert.Equal(10, plates.Count);
            Assert.All(plates, plate => Assert.DoesNotContain('4', plate));
        }
    }

    [Fact]
    public void ExcludeFourDrawsEveryNumberWithoutAFourAndThenNothing()
    {
        var allocator = Allocator(SmallPure("D01###", "D4####"));
        var expected = PlatesOf("D01###").Where(p => !p.Contains('4')).Order(StringComparer.Ordinal);

        var plates = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 100_000, true, _until, Opening);

        Assert.Equal(expected, plates.Order(StringComparer.Ordinal));
        Assert.Empty(allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 10, true, _until, Opening));
        Assert.Equal(10, allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening).Count);
    }

    [Fact]
    public void WithFewerThanTenLeftADrawReturnsExactlyWhatIsLeft()
    {
        var allocator = Allocator(SmallPure("D000##"));
        var first = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 93, false, _until, Opening);

        var last = allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening);

        Assert.Equal(7, last.Count);
        Assert.Equal(PlatesOf("D000##").Except(first).Order(StringComparer.Ordinal), last.Order(StringComparer.Ordinal));
        Assert.Empty(allocator.Draw("VIN-C", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening));
    }

    [Fact]
    public void ADrawFillsFromTheNextLetterInOpeningOrderWhateverThePublicationOrder()
    {
        var allocator = Allocator(new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'B', ["B0000#"]),
            new SeriesBlocks(PlateKind.Small, 'A', ["A0000#"]),
            new SeriesBlocks(PlateKind.Small, 'D', ["D0000#"]),
        ]));
        allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 7, false, _until, Opening);

        var plates = allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening);
        var next = allocator.Draw("VIN-C", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening);

        Assert.Equal(3, plates.Count(p => p[2] == 'D'));
        Assert.Equal(7, plates.Count(p => p[2] == 'A'));
        Assert.Equal(3, next.Count(p => p[2] == 'A'));
        Assert.Equal(7, next.Count(p => p[2] == 'B'));
    }

    [Fact]
    public void AnExcludeFourDrawMovesOnWhenTheFirstSeriesHasNoNumberWithoutAFour()
    {
        var allocator = Allocator(new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'D', ["D4####"]),
            new SeriesBlocks(PlateKind.Small, 'A', ["A0####"]),
        ]));

        var plates = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 10, true, _until, Opening);

        Assert.Equal(10, plates.Count);
        Assert.All(plates, plate => Assert.Equal('A', plate[2]));
    }

    [Fact]
    public void AVehicleWhoseSeriesIsNotPublishedDrawsNothing()
    {
        var allocator = Allocator(SmallPure("D0####"));

        Assert.Empty(allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.NonPure, 10, false, _until, Opening));
        Assert.Empty(allocator.Draw("VIN-A", PlateKind.Large, EnergyKind.Pure, 10, false, _until, Opening));
        Assert.Empty(allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Fuel, 10, false, _until, Opening));
        Assert.Equal(10_000, CountsOf(allocator, 'D', Opening).Available);
    }

    [Fact]
    public void AnEmptyPublicationHasNoCountsAndDrawsNothing()
    {
        var allocator = Allocator(PoolPublication.Empty);

        Assert.Empty(allocator.Counts(Opening));
        Assert.Empty(allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 10, false, _until, Opening));
    }

    [Fact]
    public void AnInvalidPublicationIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Allocator(SmallPure("D0####", "D01###")));
    }
}
