using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

public sealed class PlateAllocatorHoldTests
{
    private static readonly DateTimeOffset _batchEnds = Opening.AddSeconds(90);

    private static IReadOnlyList<string> Draw(PlateAllocator allocator, string holder, int count, DateTimeOffset until, DateTimeOffset now) =>
        allocator.Draw(holder, PlateKind.Small, EnergyKind.Pure, count, false, until, now);

    [Fact]
    public void AHoldLastsUntilItsCountdownEndsAndThenTheNumbersAreAvailableAgain()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plates = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);

        var justBefore = Opening.AddSeconds(89);
        Assert.All(plates, p => Assert.Equal("VIN-A", allocator.HolderOf(p, justBefore)));
        Assert.Equal((9_990, 10), (CountsOf(allocator, 'D', justBefore).Available, CountsOf(allocator, 'D', justBefore).Held));

        Assert.All(plates, p => Assert.Equal(NumberState.Available, allocator.StateOf(p, _batchEnds)));
        Assert.All(plates, p => Assert.Null(allocator.HolderOf(p, _batchEnds)));
        var after = CountsOf(allocator, 'D', _batchEnds);
        Assert.Equal((10_000, 0), (after.Available, after.Held));
    }

    [Fact]
    public void LapsedNumbersCanBeDrawnByTheNextApplicant()
    {
        var allocator = Allocator(SmallPure("D0000#"));
        var first = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);
        Assert.Empty(Draw(allocator, "VIN-B", 10, Opening.AddSeconds(120), Opening.AddSeconds(30)));

        var second = Draw(allocator, "VIN-B", 10, Opening.AddSeconds(200), Opening.AddSeconds(91));

        Assert.Equal(first.Order(StringComparer.Ordinal), second.Order(StringComparer.Ordinal));
        Assert.All(second, p => Assert.Equal("VIN-B", allocator.HolderOf(p, Opening.AddSeconds(91))));
    }

    [Fact]
    public void HoldingAgainWithALaterEndKeepsTheNumbers()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plates = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);
        var backup = plates[3];

        var held = allocator.Hold("VIN-A", [backup], Opening.AddSeconds(150), Opening.AddSeconds(60));

        Assert.Equal([backup], held);
        var later = Opening.AddSeconds(120);
        Assert.Equal("VIN-A", allocator.HolderOf(backup, later));
        Assert.Equal(NumberState.Available, allocator.StateOf(plates[0], later));
        Assert.Equal(1, CountsOf(allocator, 'D', later).Held);
        Assert.Equal(NumberState.Available, allocator.StateOf(backup, Opening.AddSeconds(150)));
    }

    [Fact]
    public void HoldingAgainLaterCannotBeUndoneByTheFirstCountdown()
    {
        // The first hold's expiry is still queued when the number is held again: it must not end the new hold.
        var allocator = Allocator(SmallPure("D0000#"));
        var plates = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);
        allocator.Hold("VIN-A", plates, Opening.AddSeconds(300), Opening.AddSeconds(10));

        Assert.Empty(Draw(allocator, "VIN-B", 10, Opening.AddSeconds(400), Opening.AddSeconds(200)));
        Assert.All(plates, p => Assert.Equal("VIN-A", allocator.HolderOf(p, Opening.AddSeconds(299))));
    }

    [Fact]
    public void HoldTakesAgainALapsedNumberThatIsStillAvailable()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plates = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);
        var afterLapse = Opening.AddSeconds(100);

        var held = allocator.Hold("VIN-A", plates, Opening.AddSeconds(190), afterLapse);

        Assert.Equal(plates, held);
        Assert.All(plates, p => Assert.Equal("VIN-A", allocator.HolderOf(p, afterLapse)));
        Assert.Equal(10, CountsOf(allocator, 'D', afterLapse).Held);
    }

    [Fact]
    public void HoldRefusesALapsedNumberAnotherHolderTook()
    {
        var allocator = Allocator(SmallPure("D0000#"));
        var plates = Draw(allocator, "VIN-A", 10, _batchEnds, Opening);
        var afterLapse = Opening.AddSeconds(100);
        var taken = Draw(allocator, "VIN-B", 3, Opening.AddSeconds(190), afterLapse);

        var held = allocator.Hold("VIN-A", plates, Opening.AddSeconds(190), afterLapse);

        Assert.Equal(plates.Except(taken), held);
        Assert.All(taken, p => Assert.Equal("VIN-B", allocator.HolderOf(p, afterLapse)));
    }

    [Fact]
    public void HoldRefusesANumberAnotherHolderHoldsReservedOrIsNotPublished()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var others = Draw(allocator, "VIN-B", 2, _batchEnds, Opening);
        Assert.Equal(ReserveStatus.Reserved, allocator.TryReserve("VIN-B", others[1], Opening).Status);

        var held = allocator.Hold("VIN-A", [others[0], others[1], "冀AF00000", "冀BD00000", "nonsense"], _batchEnds, Opening);

        Assert.Empty(held);
        Assert.Equal("VIN-B", allocator.HolderOf(others[0], Opening));
        Assert.Equal(NumberState.Reserved, allocator.StateOf(others[1], Opening));
    }

    [Fact]
    public void ReleaseGivesBackOnlyTheHoldersOwnNumbers()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var mine = Draw(allocator, "VIN-A", 5, _batchEnds, Opening);
        var theirs = Draw(allocator, "VIN-B", 5, _batchEnds, Opening);

        allocator.Release("VIN-A", [.. mine, .. theirs], Opening.AddSeconds(10));

        var now = Opening.AddSeconds(10);
        Assert.All(mine, p => Assert.Equal(NumberState.Available, allocator.StateOf(p, now)));
        Assert.All(theirs, p => Assert.Equal("VIN-B", allocator.HolderOf(p, now)));
        Assert.Equal((9_995, 5), (CountsOf(allocator, 'D', now).Available, CountsOf(allocator, 'D', now).Held));
    }

    [Fact]
    public void ReleaseLeavesReservedNumbersAlone()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plate = Draw(allocator, "VIN-A", 1, _batchEnds, Opening)[0];
        allocator.TryReserve("VIN-A", plate, Opening);

        allocator.Release("VIN-A", [plate], Opening);

        Assert.Equal(NumberState.Reserved, allocator.StateOf(plate, Opening));
        Assert.Equal(1, CountsOf(allocator, 'D', Opening).Reserved);
    }

    [Fact]
    public void HoldsListsEveryRunningHoldWithItsHolderAndEnd()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var a = Draw(allocator, "VIN-A", 2, _batchEnds, Opening);
        var b = Draw(allocator, "VIN-B", 1, Opening.AddSeconds(30), Opening);

        var holds = allocator.Holds(Opening.AddSeconds(30)).ToList();

        Assert.Equal(
            a.Select(p => ("VIN-A", p, _batchEnds.ToUniversalTime())).Order(),
            holds.Select(h => (h.Holder, h.Plate, h.Until)).Order());
        Assert.DoesNotContain(holds, h => h.Plate == b[0]);
    }
}
