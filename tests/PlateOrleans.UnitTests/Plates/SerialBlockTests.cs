using PlateOrleans.Contracts;
using PlateOrleans.Grains.Plates;

namespace PlateOrleans.UnitTests.Plates;

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
}
