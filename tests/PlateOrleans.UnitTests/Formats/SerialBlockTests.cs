using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class SerialBlockTests
{
    [Fact]
    public void SmallBlockWithFourWildDigitsHoldsTenThousandSerials()
    {
        var block = SerialBlock.TryParse("D0####", PlateKind.Small, 'D', out var error);

        Assert.Null(error);
        Assert.Equal(10_000, block!.Count);
        Assert.Equal("D01234", block.SerialAt(1234));
        Assert.Equal(1234, block.IndexOf("D01234"));
    }

    [Theory]
    [InlineData("D0####", PlateKind.Small, 'D', 10_000, 6_561)]
    [InlineData("DA####", PlateKind.Small, 'D', 10_000, 6_561)]
    [InlineData("D#####", PlateKind.Small, 'D', 100_000, 59_049)]
    [InlineData("F#####", PlateKind.Small, 'F', 100_000, 59_049)]
    [InlineData("GZ12##", PlateKind.Small, 'G', 100, 81)]
    [InlineData("12###D", PlateKind.Large, 'D', 1_000, 729)]
    [InlineData("1####F", PlateKind.Large, 'F', 10_000, 6_561)]
    [InlineData("#####K", PlateKind.Large, 'K', 100_000, 59_049)]
    [InlineData("D12345", PlateKind.Small, 'D', 1, 0)] // a single number with a 4
    [InlineData("D12355", PlateKind.Small, 'D', 1, 1)]
    [InlineData("D4####", PlateKind.Small, 'D', 10_000, 0)] // every number has the 4 of the pattern
    [InlineData("4####D", PlateKind.Large, 'D', 10_000, 0)]
    public void TryParseAcceptsPatternsThatFitTheirKindAndLetter(string pattern, PlateKind kind, char letter, int count, int noFourCount)
    {
        var block = SerialBlock.TryParse(pattern, kind, letter, out var error);

        Assert.Null(error);
        Assert.NotNull(block);
        Assert.Equal(pattern, block.Pattern);
        Assert.Equal(kind, block.PlateKind);
        Assert.Equal(letter, block.EnergyLetter);
        Assert.Equal(count, block.Count);
        Assert.Equal(noFourCount, block.NoFourCount);
    }

    [Theory]
    [InlineData("D0###", PlateKind.Small, 'D')] // too short
    [InlineData("D0#####", PlateKind.Small, 'D')] // too long
    [InlineData("", PlateKind.Small, 'D')]
    [InlineData("F0####", PlateKind.Small, 'D')] // small block must start with its letter
    [InlineData("0D####", PlateKind.Small, 'D')]
    [InlineData("DI####", PlateKind.Small, 'D')] // I never appears
    [InlineData("DO####", PlateKind.Small, 'D')] // O never appears
    [InlineData("Da####", PlateKind.Small, 'D')]
    [InlineData("D0#A##", PlateKind.Small, 'D')] // a letter in a digit position
    [InlineData("DAB###", PlateKind.Small, 'D')]
    [InlineData("D0###D", PlateKind.Small, 'D')]
    [InlineData("12###F", PlateKind.Large, 'D')] // large block must end with its letter
    [InlineData("D12###", PlateKind.Large, 'D')]
    [InlineData("1A###D", PlateKind.Large, 'D')] // a letter in a digit position
    [InlineData("######", PlateKind.Large, 'D')]
    [InlineData("L0####", PlateKind.Small, 'L')] // L is not an energy letter
    [InlineData("12###Z", PlateKind.Large, 'Z')]
    [InlineData("D0####", PlateKind.Motorcycle, 'D')] // only small and large cars have NEV serials
    [InlineData("12###D", PlateKind.Trailer, 'D')]
    public void TryParseRejectsPatternsThatDoNotFit(string pattern, PlateKind kind, char letter)
    {
        var block = SerialBlock.TryParse(pattern, kind, letter, out var error);

        Assert.Null(block);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Theory]
    [InlineData("D0####", PlateKind.Small, 'D')]
    [InlineData("FA####", PlateKind.Small, 'F')]
    [InlineData("1####F", PlateKind.Large, 'F')]
    public void EveryIndexOfABlockRoundTripsThroughItsSerial(string pattern, PlateKind kind, char letter)
    {
        var block = SerialBlock.TryParse(pattern, kind, letter, out _)!;
        var seen = new HashSet<string>();

        for (var i = 0; i < block.Count; i++)
        {
            var serial = block.SerialAt(i);
            Assert.Equal(kind, PlateSerials.ClassifySerial(serial)?.Kind);
            Assert.Equal(i, block.IndexOf(serial));
            Assert.True(seen.Add(serial), $"{serial} appears twice");
        }
    }

    [Fact]
    public void SerialsGoInNumericOrderOfTheirWildDigits()
    {
        var block = SerialBlock.TryParse("D1#2##", PlateKind.Small, 'D', out _)!;

        Assert.Equal("D10200", block.SerialAt(0));
        Assert.Equal("D10299", block.SerialAt(99));
        Assert.Equal("D11200", block.SerialAt(100));
        Assert.Equal("D19299", block.SerialAt(999));
    }

    [Theory]
    [InlineData("D01234")] // another block's serial
    [InlineData("DA0000")]
    [InlineData("D1X200")]
    [InlineData("D1020")]
    [InlineData("D102000")]
    [InlineData("")]
    public void IndexOfIsMinusOneForASerialTheBlockDoesNotHold(string serial)
    {
        var block = SerialBlock.TryParse("D1#2##", PlateKind.Small, 'D', out _)!;

        Assert.Equal(-1, block.IndexOf(serial));
    }

    [Theory]
    [InlineData("D0####", PlateKind.Small, 'D')]
    [InlineData("D#####", PlateKind.Small, 'D')]
    [InlineData("12###D", PlateKind.Large, 'D')]
    public void NoFourSerialAtYieldsExactlyTheSerialsWithoutAFourEachOnceInOrder(string pattern, PlateKind kind, char letter)
    {
        var block = SerialBlock.TryParse(pattern, kind, letter, out _)!;
        var expected = Enumerable.Range(0, block.Count).Select(block.SerialAt).Where(s => !s.Contains('4')).ToList();

        var actual = Enumerable.Range(0, block.NoFourCount).Select(block.NoFourSerialAt).ToList();

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("D0####", PlateKind.Small, 'D')]
    [InlineData("DA1###", PlateKind.Small, 'D')]
    [InlineData("D4####", PlateKind.Small, 'D')]
    [InlineData("D#4###", PlateKind.Small, 'D')]
    [InlineData("1###4D", PlateKind.Large, 'D')]
    [InlineData("#####F", PlateKind.Large, 'F')]
    public void HasFourAtAgreesWithTheSerial(string pattern, PlateKind kind, char letter)
    {
        var block = SerialBlock.TryParse(pattern, kind, letter, out _)!;

        for (var i = 0; i < block.Count; i++)
        {
            Assert.Equal(block.SerialAt(i).Contains('4'), block.HasFourAt(i));
        }
    }

    [Theory]
    [InlineData("D0####", "D0####", true)]
    [InlineData("D0####", "D0###1", true)] // one inside the other
    [InlineData("D#####", "D0####", true)]
    [InlineData("D01###", "D0#2##", true)] // D012## is in both
    [InlineData("D0####", "D1####", false)]
    [InlineData("D#####", "DA####", false)] // # is a digit, never a letter
    [InlineData("DA####", "DB####", false)]
    [InlineData("D0###1", "D0###2", false)]
    public void SmallBlocksOverlapWhenSomeSerialFitsBoth(string a, string b, bool overlap)
    {
        var first = SerialBlock.TryParse(a, PlateKind.Small, 'D', out _)!;
        var second = SerialBlock.TryParse(b, PlateKind.Small, 'D', out _)!;

        Assert.Equal(overlap, first.Overlaps(second));
        Assert.Equal(overlap, second.Overlaps(first));
    }

    [Theory]
    [InlineData("12###D", "1####D", true)]
    [InlineData("12###D", "13###D", false)]
    [InlineData("#####D", "99999D", true)]
    public void LargeBlocksOverlapWhenSomeSerialFitsBoth(string a, string b, bool overlap)
    {
        var first = SerialBlock.TryParse(a, PlateKind.Large, 'D', out _)!;
        var second = SerialBlock.TryParse(b, PlateKind.Large, 'D', out _)!;

        Assert.Equal(overlap, first.Overlaps(second));
        Assert.Equal(overlap, second.Overlaps(first));
    }
}
