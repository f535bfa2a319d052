using PlateOrleans.Grains.Pool;

namespace PlateOrleans.UnitTests.Pool;

public sealed class CryptoRandomSourceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public void NextStaysInRange(int maxExclusive)
    {
        var random = new CryptoRandomSource();

        for (var i = 0; i < 10_000; i++)
        {
            Assert.InRange(random.Next(maxExclusive), 0, maxExclusive - 1);
        }
    }

    [Fact]
    public void NextReachesEveryValueOfASmallRange()
    {
        // 10,000 draws over 7 values: the chance that one value never shows is 7 * (6/7)^10000, about 1e-669.
        var random = new CryptoRandomSource();

        var seen = Enumerable.Range(0, 10_000).Select(_ => random.Next(7)).ToHashSet();

        Assert.Equal(7, seen.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NextRefusesAnEmptyRange(int maxExclusive)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CryptoRandomSource().Next(maxExclusive));
    }
}
