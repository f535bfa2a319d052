using PlateOrleans.Grains.Pool;

namespace PlateOrleans.UnitTests.Pool;

public sealed class IndexBagTests
{
    [Fact]
    public void AddRemoveAndContainsKeepTheMembersAndTheirCount()
    {
        var bag = new IndexBag(universe: 10, capacity: 10);

        bag.Add(3);
        bag.Add(7);
        bag.Add(3);

        Assert.Equal(2, bag.Count);
        Assert.True(bag.Contains(3));
        Assert.False(bag.Contains(4));
        Assert.True(bag.Remove(3));
        Assert.False(bag.Remove(3));
        Assert.False(bag.Contains(3));
        Assert.True(bag.Contains(7));
        Assert.Equal(1, bag.Count);
    }

    [Fact]
    public void TakingAtRandomEmptiesTheBagReturningEveryMemberOnce()
    {
        var bag = new IndexBag(universe: 1_000, capacity: 500);
        for (var i = 0; i < 1_000; i += 2)
        {
            bag.Add(i);
        }

        var random = new CryptoRandomSource();
        var taken = new List<int>();
        while (bag.Count > 0)
        {
            var index = bag.TakeRandom(random);
            Assert.False(bag.Contains(index));
            taken.Add(index);
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 2), taken.Order());
    }

    [Fact]
    public void RemovingFromTheMiddleKeepsEveryOtherMemberTakeable()
    {
        var bag = new IndexBag(universe: 5, capacity: 5);
        for (var i = 0; i < 5; i++)
        {
            bag.Add(i);
        }

        bag.Remove(1);
        bag.Remove(4);
        bag.Add(1);
        var random = new CryptoRandomSource();
        var taken = Enumerable.Range(0, 4).Select(_ => bag.TakeRandom(random)).ToList();

        Assert.Equal([0, 1, 2, 3], taken.Order());
        Assert.Equal(0, bag.Count);
    }
}
