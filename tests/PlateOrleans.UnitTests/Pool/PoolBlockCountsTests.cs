using Microsoft.Extensions.Time.Testing;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

/// <summary>
/// The publication's counts per block (号池公示): each block's counts follow its numbers through draws, lapsed holds,
/// releases, reservations, issues, released reservations and re-publication, and the blocks add up to the series.
/// </summary>
public sealed class PoolBlockCountsTests
{
    private readonly FakeTimeProvider _time = new(Opening);
    private readonly InMemoryPlateLedger _ledger = new();

    /// <summary>Three blocks of different sizes: 1,000, 100 and 10 numbers.</summary>
    private static PoolPublication ThreeBlocks() => SmallPure("D01###", "DA01##", "DB000#");

    private static BlockCounts Block(SeriesCounts series, string pattern) => Assert.Single(series.BlockCounts, b => b.Block == pattern);

    private static (int Available, int Held, int Reserved, int Issued) Of(BlockCounts block) =>
        (block.Available, block.Held, block.Reserved, block.Issued);

    /// <summary>Which block of <see cref="ThreeBlocks"/> a plate is in.</summary>
    private static string BlockOf(string plate) => plate[3] switch
    {
        '0' => "D01###",
        'A' => "DA01##",
        _ => "DB000#",
    };

    [Fact]
    public void AFreshPublicationHasEveryNumberOfEachBlockAvailable()
    {
        var allocator = Allocator(ThreeBlocks());

        var counts = CountsOf(allocator, 'D', Opening);

        Assert.Equal(["D01###", "DA01##", "DB000#"], counts.BlockCounts.Select(b => b.Block));
        Assert.Equal([1_000, 100, 10], counts.BlockCounts.Select(b => b.Total));
        Assert.Equal([1_000, 100, 10], counts.BlockCounts.Select(b => b.Available));
    }

    [Fact]
    public void DrawnNumbersAreHeldInTheBlocksTheyCameFromUntilTheHoldLapses()
    {
        var allocator = Allocator(ThreeBlocks());
        var plates = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 500, false, Opening.AddSeconds(90), Opening);

        var counts = CountsOf(allocator, 'D', Opening);

        foreach (var block in counts.BlockCounts)
        {
            var drawnHere = plates.Count(p => BlockOf(p) == block.Block);
            Assert.Equal((block.Total - drawnHere, drawnHere, 0, 0), Of(block));
        }

        var lapsed = CountsOf(allocator, 'D', Opening.AddSeconds(90));
        Assert.Equal([1_000, 100, 10], lapsed.BlockCounts.Select(b => b.Available));
        Assert.All(lapsed.BlockCounts, b => Assert.Equal(0, b.Held));
    }

    [Fact]
    public void AReleasedHoldIsAvailableInItsBlockAgain()
    {
        var allocator = Allocator(ThreeBlocks());
        var held = allocator.Hold("VIN-A", ["冀ADA0101", "冀ADB0003"], Opening.AddSeconds(90), Opening);
        Assert.Equal(2, held.Count);

        allocator.Release("VIN-A", ["冀ADA0101"], Opening);

        var counts = CountsOf(allocator, 'D', Opening);
        Assert.Equal((100, 0, 0, 0), Of(Block(counts, "DA01##")));
        Assert.Equal((9, 1, 0, 0), Of(Block(counts, "DB000#")));
    }

    [Fact]
    public void AReservationMovesFromHeldToReservedThenIssuedAndAReleasedReservationIsAvailableAgain()
    {
        var allocator = Allocator(ThreeBlocks());
        allocator.Hold("VIN-A", ["冀ADB0003"], Opening.AddSeconds(90), Opening);
        Assert.Equal((9, 1, 0, 0), Of(Block(CountsOf(allocator, 'D', Opening), "DB000#")));

        Assert.Equal(ReserveStatus.Reserved, allocator.TryReserve("VIN-A", "冀ADB0003", Opening).Status);
        Assert.Equal(ReserveStatus.Reserved, allocator.TryReserve("VIN-B", "冀ADB0004", Opening).Status);
        Assert.Equal((8, 0, 2, 0), Of(Block(CountsOf(allocator, 'D', Opening), "DB000#")));

        allocator.ForceAssigned("冀ADB0003", "VIN-A", issued: true);
        Assert.Equal((8, 0, 1, 1), Of(Block(CountsOf(allocator, 'D', Opening), "DB000#")));

        allocator.ReleaseReserved("VIN-B", "冀ADB0004");
        allocator.ReleaseReserved("VIN-A", "冀ADB0003");
        var counts = CountsOf(allocator, 'D', Opening);
        Assert.Equal((9, 0, 0, 1), Of(Block(counts, "DB000#")));
        Assert.Equal((1_000, 0, 0, 0), Of(Block(counts, "D01###")));
    }

    [Fact]
    public void AnUndoneReservationIsHeldAgainInItsBlock()
    {
        var allocator = Allocator(ThreeBlocks());
        allocator.Hold("VIN-A", ["冀ADA0150"], Opening.AddSeconds(90), Opening);
        var attempt = allocator.TryReserve("VIN-A", "冀ADA0150", Opening);

        allocator.UndoReserve("VIN-A", "冀ADA0150", attempt.PriorHoldUntil, Opening.AddSeconds(1));

        Assert.Equal((99, 1, 0, 0), Of(Block(CountsOf(allocator, 'D', Opening.AddSeconds(1)), "DA01##")));
    }

    [Fact]
    public async Task ThroughThePoolAConfirmationAnExchangeAndAReleaseMoveOnlyTheirBlock()
    {
        var pool = NewPool(_ledger, _time);
        await pool.PublishAsync(ThreeBlocks());

        await pool.ReserveAsync(new PoolReservation("VIN-A", "冀AD01007", ConfirmedBy.User, Opening, ExchangeBy));
        await pool.ReserveAsync(new PoolReservation("VIN-B", "冀ADA0199", ConfirmedBy.Auto, Opening, ExchangeBy));
        Assert.True(await pool.IssueAsync("VIN-B", "冀ADA0199", Opening.AddDays(1)));
        await pool.ReleaseReservationAsync("VIN-A", "冀AD01007", Opening.AddDays(16));

        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((1_000, 0, 0, 0), Of(Block(counts, "D01###")));
        Assert.Equal((99, 0, 0, 1), Of(Block(counts, "DA01##")));
        Assert.Equal((10, 0, 0, 0), Of(Block(counts, "DB000#")));
    }

    [Fact]
    public async Task ARepublicationCountsItsNewBlocksWithTheReservationsAndHoldsItKeeps()
    {
        var pool = NewPool(_ledger, _time);
        await pool.PublishAsync(ThreeBlocks());
        await pool.ReserveAsync(new PoolReservation("VIN-A", "冀ADA0101", ConfirmedBy.User, Opening, ExchangeBy));
        await pool.HoldAsync("VIN-B", ["冀ADB0001", "冀AD01002"], Opening.AddSeconds(90));

        // D01### is withdrawn (its hold goes with it), DC0### is new; DA01## and DB000# stay with what they had.
        await pool.PublishAsync(SmallPure("DA01##", "DB000#", "DC0###"));

        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal(["DA01##", "DB000#", "DC0###"], counts.BlockCounts.Select(b => b.Block));
        Assert.Equal((99, 0, 1, 0), Of(Block(counts, "DA01##")));
        Assert.Equal((9, 1, 0, 0), Of(Block(counts, "DB000#")));
        Assert.Equal((1_000, 0, 0, 0), Of(Block(counts, "DC0###")));
    }

    [Fact]
    public void ManyBlocksAreCountedAsWellAsFew()
    {
        // 100 blocks of 10 (the most a series may publish): the block of a number is looked up, not searched.
        var patterns = Enumerable.Range(0, 100).Select(i => $"D0{i:D3}#").ToArray();
        var allocator = Allocator(SmallPure(patterns));
        var plates = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 1_000, false, Opening.AddSeconds(90), Opening);
        allocator.TryReserve("VIN-A", plates[0], Opening);

        var counts = CountsOf(allocator, 'D', Opening);

        Assert.All(counts.BlockCounts, b => Assert.Equal((0, 10), (b.Available, b.Held + b.Reserved)));
        Assert.Equal(1, Block(counts, $"D0{plates[0][4..7]}#").Reserved);
    }
}
