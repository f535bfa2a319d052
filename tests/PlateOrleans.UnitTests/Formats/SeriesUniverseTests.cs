using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class SeriesUniverseTests
{
    private static SeriesUniverse SmallD(params string[] blocks) =>
        SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', blocks), out var error)
        ?? throw new InvalidOperationException(error);

    [Fact]
    public void BlocksAreLaidEndToEndInPublicationOrder()
    {
        var universe = SmallD("D5####", "D0####", "DA1###");

        Assert.Equal(21_000, universe.Total);
        Assert.Equal("D50000", universe.SerialAt(0));
        Assert.Equal("D59999", universe.SerialAt(9_999));
        Assert.Equal("D00000", universe.SerialAt(10_000));
        Assert.Equal("DA1000", universe.SerialAt(20_000));
        Assert.Equal("DA1999", universe.SerialAt(20_999));
        Assert.Equal(10_000, universe.IndexOf("D00000"));
        Assert.Equal(-1, universe.IndexOf("D10000"));
        Assert.Equal(-1, universe.IndexOf("DA2000"));
    }

    [Fact]
    public void ABlockWithoutNoFourNumbersBetweenOthersIsSkippedInTheNoFourSpace()
    {
        var universe = SmallD("D0####", "D4####", "D5####");

        Assert.Equal(30_000, universe.Total);
        Assert.Equal(2 * 6_561, universe.NoFourTotal);
        Assert.Equal("D00000", universe.NoFourSerialAt(0));
        Assert.Equal("D09999", universe.NoFourSerialAt(6_560));
        Assert.Equal("D50000", universe.NoFourSerialAt(6_561));
        Assert.Equal("D59999", universe.NoFourSerialAt(13_121));
    }

    [Theory]
    [InlineData("D0####,D4####,D5####")]
    [InlineData("D4####,D0####")] // first
    [InlineData("D0####,D4####")] // last
    [InlineData("D0####,D4####,DA4###,D5####,DB##4#")] // two in a row
    [InlineData("D1#2##,D3####,DZ99##")]
    public void NoFourIndicesSerialAtAndNoFourSerialAtAgree(string blocks)
    {
        var universe = SmallD(blocks.Split(','));
        var expected = Enumerable.Range(0, universe.Total).Where(i => !universe.SerialAt(i).Contains('4')).ToList();

        var noFour = universe.NoFourIndices().ToList();

        Assert.Equal(expected, noFour);
        Assert.Equal(universe.NoFourTotal, noFour.Count);
        for (var k = 0; k < noFour.Count; k++)
        {
            Assert.Equal(universe.SerialAt(noFour[k]), universe.NoFourSerialAt(k));
        }

        for (var i = 0; i < universe.Total; i++)
        {
            Assert.Equal(i, universe.IndexOf(universe.SerialAt(i)));
            Assert.Equal(universe.SerialAt(i).Contains('4'), universe.HasFourAt(i));
        }
    }

    [Fact]
    public void TheBlocksOfTheSeriesAreKeptInOrder()
    {
        var universe = SmallD("D1####", "D0####");

        Assert.Equal(["D1####", "D0####"], universe.Blocks.Select(b => b.Pattern));
        Assert.Equal(PlateKind.Small, universe.PlateKind);
        Assert.Equal('D', universe.EnergyLetter);
    }

    [Fact]
    public void OverlappingBlocksAreRejectedNamingBoth()
    {
        var universe = SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "DA####", "D01###"]), out var error);

        Assert.Null(universe);
        Assert.Contains("D01###", error);
        Assert.Contains("D0####", error);
    }

    [Fact]
    public void ABlockThatDoesNotFitTheSeriesIsRejected()
    {
        Assert.Null(SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "F0####"]), out var wrongLetter));
        Assert.NotNull(wrongLetter);
        Assert.Null(SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Large, 'D', ["D0####"]), out var wrongKind));
        Assert.NotNull(wrongKind);
    }

    [Fact]
    public void ASeriesNeedsABlockAndASmallOrLargeKind()
    {
        Assert.Null(SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', []), out var noBlocks));
        Assert.NotNull(noBlocks);
        Assert.Null(SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Motorcycle, 'D', ["D0####"]), out var motorcycle));
        Assert.NotNull(motorcycle);
    }

    [Fact]
    public void TheLargestPossibleSmallSeriesHoldsEverySmallSerialOfItsLetter()
    {
        // Every small D serial: D##### and DA#### to DZ#### (24 letters without I and O). No series can publish more
        // without overlapping, which is what bounds a pool's size.
        var blocks = new[] { "D#####" }.Concat("ABCDEFGHJKLMNPQRSTUVWXYZ".Select(c => $"D{c}####")).ToArray();

        var universe = SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', blocks), out var error);

        Assert.Null(error);
        Assert.Equal(340_000, universe!.Total);
        Assert.Null(SeriesUniverse.TryCreate(new SeriesBlocks(PlateKind.Small, 'D', [.. blocks, "DA0###"]), out _));
    }
}
