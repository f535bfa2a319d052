using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

public sealed class PlateAllocatorReserveTests
{
    private static readonly DateTimeOffset _batchEnds = Opening.AddSeconds(90);

    private static IReadOnlyList<string> Draw(PlateAllocator allocator, string holder, int count, bool excludeFour = false) =>
        allocator.Draw(holder, PlateKind.Small, EnergyKind.Pure, count, excludeFour, _batchEnds, Opening);

    [Fact]
    public void ANumberTheVehicleHoldsBecomesReservedRememberingItsHold()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plate = Draw(allocator, "VIN-A", 10)[4];

        var attempt = allocator.TryReserve("VIN-A", plate, Opening.AddSeconds(5));

        Assert.Equal(new ReserveAttempt(ReserveStatus.Reserved, _batchEnds), attempt);
        Assert.Equal(NumberState.Reserved, allocator.StateOf(plate, Opening.AddSeconds(5)));
        Assert.Null(allocator.HolderOf(plate, Opening.AddSeconds(5)));
        var counts = CountsOf(allocator, 'D', Opening.AddSeconds(5));
        Assert.Equal((9_990, 9, 1, 0), (counts.Available, counts.Held, counts.Reserved, counts.Issued));
    }

    [Fact]
    public void AReservedNumberOutlivesTheHoldItCameFrom()
    {
        var allocator = Allocator(SmallPure("D0000#"));
        var plate = Draw(allocator, "VIN-A", 1)[0];
        allocator.TryReserve("VIN-A", plate, Opening);

        var later = Opening.AddDays(1);

        Assert.Equal(NumberState.Reserved, allocator.StateOf(plate, later));
        Assert.DoesNotContain(plate, allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 10, false, later.AddSeconds(90), later));
    }

    [Fact]
    public void AnAvailableNumberCanBeReservedDirectly()
    {
        var allocator = Allocator(SmallPure("D0####"));

        var attempt = allocator.TryReserve("VIN-A", "冀AD01234", Opening);

        Assert.Equal(new ReserveAttempt(ReserveStatus.Reserved), attempt);
        Assert.Equal(NumberState.Reserved, allocator.StateOf("冀AD01234", Opening));
        Assert.Equal((9_999, 1), (CountsOf(allocator, 'D', Opening).Available, CountsOf(allocator, 'D', Opening).Reserved));
    }

    [Fact]
    public void ANumberAnotherVehicleHoldsIsUnavailable()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plate = Draw(allocator, "VIN-B", 1)[0];

        var attempt = allocator.TryReserve("VIN-A", plate, Opening);

        Assert.Equal(ReserveStatus.Unavailable, attempt.Status);
        Assert.Equal("VIN-B", allocator.HolderOf(plate, Opening));
    }

    [Fact]
    public void ANumberAnotherVehicleReservedIsUnavailableAndTheSameVehicleHearsAlreadyReserved()
    {
        var allocator = Allocator(SmallPure("D0####"));
        allocator.TryReserve("VIN-B", "冀AD01234", Opening);

        Assert.Equal(ReserveStatus.Unavailable, allocator.TryReserve("VIN-A", "冀AD01234", Opening).Status);
        Assert.Equal(ReserveStatus.AlreadyReserved, allocator.TryReserve("VIN-B", "冀AD01234", Opening).Status);
        Assert.Equal(1, CountsOf(allocator, 'D', Opening).Reserved);
    }

    [Theory]
    [InlineData("冀AD11234")] // outside the published block
    [InlineData("冀AF01234")] // a series the office does not publish
    [InlineData("冀A01234D")]
    [InlineData("冀BD01234")] // another office
    [InlineData("冀AD0123")]
    [InlineData("")]
    public void ANumberTheOfficeDoesNotPublishIsNotPublished(string plate)
    {
        var allocator = Allocator(SmallPure("D0####"));

        Assert.Equal(ReserveStatus.NotPublished, allocator.TryReserve("VIN-A", plate, Opening).Status);
        Assert.Null(allocator.StateOf(plate, Opening));
    }

    [Fact]
    public void UndoReserveRestoresTheHoldAsItWas()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plate = Draw(allocator, "VIN-A", 1)[0];
        var attempt = allocator.TryReserve("VIN-A", plate, Opening.AddSeconds(5));

        allocator.UndoReserve("VIN-A", plate, attempt.PriorHoldUntil, Opening.AddSeconds(6));

        var counts = CountsOf(allocator, 'D', Opening.AddSeconds(6));
        Assert.Equal((9_999, 1, 0), (counts.Available, counts.Held, counts.Reserved));
        Assert.Equal("VIN-A", allocator.HolderOf(plate, Opening.AddSeconds(89)));
        Assert.Equal(NumberState.Available, allocator.StateOf(plate, _batchEnds));
    }

    [Fact]
    public void UndoReserveMakesTheNumberAvailableWhenTheHoldHasSinceLapsedOrThereWasNone()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var held = Draw(allocator, "VIN-A", 1)[0];
        var lapsed = allocator.TryReserve("VIN-A", held, Opening);
        var direct = allocator.TryReserve("VIN-B", "冀AD01234", Opening);

        allocator.UndoReserve("VIN-A", held, lapsed.PriorHoldUntil, Opening.AddSeconds(95));
        allocator.UndoReserve("VIN-B", "冀AD01234", direct.PriorHoldUntil, Opening.AddSeconds(95));

        var now = Opening.AddSeconds(95);
        Assert.Equal(NumberState.Available, allocator.StateOf(held, now));
        Assert.Equal(NumberState.Available, allocator.StateOf("冀AD01234", now));
        Assert.Equal((10_000, 0), (CountsOf(allocator, 'D', now).Available, CountsOf(allocator, 'D', now).Reserved));
    }

    [Fact]
    public void UndoReserveLeavesAnotherVehiclesReservationAlone()
    {
        var allocator = Allocator(SmallPure("D0####"));
        allocator.TryReserve("VIN-B", "冀AD01234", Opening);

        allocator.UndoReserve("VIN-A", "冀AD01234", null, Opening);

        Assert.Equal(ReserveStatus.AlreadyReserved, allocator.TryReserve("VIN-B", "冀AD01234", Opening).Status);
    }

    [Fact]
    public void ForceAssignedTakesANumberFromItsHolderForAnotherVehicle()
    {
        var allocator = Allocator(SmallPure("D0####"));
        var plate = Draw(allocator, "VIN-A", 1)[0];

        allocator.ForceAssigned(plate, "VIN-B", issued: false);

        Assert.Equal(NumberState.Reserved, allocator.StateOf(plate, Opening));
        Assert.Equal(ReserveStatus.Unavailable, allocator.TryReserve("VIN-A", plate, Opening).Status);
        Assert.Equal(ReserveStatus.AlreadyReserved, allocator.TryReserve("VIN-B", plate, Opening).Status);
        Assert.Empty(allocator.Hold("VIN-A", [plate], _batchEnds, Opening));
        var counts = CountsOf(allocator, 'D', Opening);
        Assert.Equal((9_999, 0, 1), (counts.Available, counts.Held, counts.Reserved));
    }

    [Fact]
    public void ForceAssignedMovesAReservationToAnotherVehicleCountingItOnce()
    {
        var allocator = Allocator(SmallPure("D0####"));
        allocator.TryReserve("VIN-A", "冀AD01234", Opening);

        allocator.ForceAssigned("冀AD01234", "VIN-B", issued: true);

        Assert.Equal(NumberState.Issued, allocator.StateOf("冀AD01234", Opening));
        Assert.Equal(ReserveStatus.Unavailable, allocator.TryReserve("VIN-A", "冀AD01234", Opening).Status);
        var counts = CountsOf(allocator, 'D', Opening);
        Assert.Equal((0, 1), (counts.Reserved, counts.Issued));
        Assert.Equal([("冀AD01234", "VIN-B", true)], allocator.Assigned());
    }

    [Fact]
    public void NumbersLoadedAsReservedOrIssuedAreNeverDrawn()
    {
        var allocator = Allocator(SmallPure("D000##"));
        var all = PlatesOf("D000##").ToList();
        foreach (var plate in all.Take(60))
        {
            allocator.LoadAssigned(plate, $"VIN-{plate}", issued: false);
        }

        foreach (var plate in all.Skip(60).Take(30))
        {
            allocator.LoadAssigned(plate, $"VIN-{plate}", issued: true);
        }

        var drawn = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 100, false, _batchEnds, Opening);

        Assert.Equal(all.Skip(90), drawn.Order(StringComparer.Ordinal));
        Assert.Equal(NumberState.Issued, allocator.StateOf(all[60], Opening));
        Assert.Equal(ReserveStatus.AlreadyReserved, allocator.TryReserve($"VIN-{all[0]}", all[0], Opening).Status);
        var counts = CountsOf(allocator, 'D', Opening);
        Assert.Equal((0, 10, 60, 30), (counts.Available, counts.Held, counts.Reserved, counts.Issued));
    }

    [Fact]
    public void LoadingANumberOutsideThePublicationChangesNothing()
    {
        var allocator = Allocator(SmallPure("D0####"));

        allocator.LoadAssigned("冀AD11234", "VIN-A", issued: false);
        allocator.LoadAssigned("冀AF01234", "VIN-A", issued: false);
        allocator.LoadAssigned("粤BD01234", "VIN-A", issued: false);

        Assert.Empty(allocator.Assigned());
        Assert.Equal((10_000, 0), (CountsOf(allocator, 'D', Opening).Available, CountsOf(allocator, 'D', Opening).Reserved));
    }

    [Fact]
    public void CountsArePerSeriesInPublicationOrder()
    {
        var allocator = Allocator(new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'F', ["F0####"]),
            new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "DA1###"]),
            new SeriesBlocks(PlateKind.Large, 'D', ["12###D"]),
        ]));
        allocator.Draw("VIN-A", PlateKind.Large, EnergyKind.Pure, 10, false, _batchEnds, Opening);

        var counts = allocator.Counts(Opening);

        Assert.Equal(
            [
                new SeriesCounts(PlateKind.Small, 'F', ["F0####"], 10_000, 10_000, 0, 0, 0, []),
                new SeriesCounts(PlateKind.Small, 'D', ["D0####", "DA1###"], 11_000, 11_000, 0, 0, 0, []),
                new SeriesCounts(PlateKind.Large, 'D', ["12###D"], 1_000, 990, 10, 0, 0, []),
            ],
            counts,
            (x, y) => x.PlateKind == y.PlateKind && x.EnergyLetter == y.EnergyLetter && x.Blocks.SequenceEqual(y.Blocks)
                && (x.Total, x.Available, x.Held, x.Reserved, x.Issued) == (y.Total, y.Available, y.Held, y.Reserved, y.Issued));
    }

    [Fact]
    public void TheNoFourBagStaysInStepThroughHoldsReleasesReservationsAndExpiries()
    {
        // After a mix of every operation, an exclude-4 draw of everything must return exactly the available numbers with
        // no 4, and a plain draw exactly the available numbers: no held, reserved or issued number, none missing.
        var allocator = Allocator(SmallPure("D01###", "D4##0#"));
        var now = Opening;
        var a = allocator.Draw("VIN-A", PlateKind.Small, EnergyKind.Pure, 300, false, now.AddSeconds(90), now);
        var b = allocator.Draw("VIN-B", PlateKind.Small, EnergyKind.Pure, 200, true, now.AddSeconds(30), now);
        var c = allocator.Draw("VIN-C", PlateKind.Small, EnergyKind.Pure, 100, false, now.AddSeconds(500), now);
        allocator.Release("VIN-A", a.Take(100), now.AddSeconds(10));
        allocator.TryReserve("VIN-A", a[150], now.AddSeconds(10));
        allocator.TryReserve("VIN-A", a[151], now.AddSeconds(10));
        var undone = allocator.TryReserve("VIN-A", a[152], now.AddSeconds(10));
        allocator.UndoReserve("VIN-A", a[152], undone.PriorHoldUntil, now.AddSeconds(11));
        allocator.ForceAssigned(b[0], "VIN-Z", issued: true);
        allocator.ForceAssigned(c[0], "VIN-Y", issued: false);
        allocator.Hold("VIN-C", c.Skip(1).Take(50), now.AddSeconds(600), now.AddSeconds(20));
        allocator.LoadAssigned(a[0], "VIN-X", issued: false);
        now = now.AddSeconds(60); // B's holds have lapsed; A's and C's run
        allocator.Hold("VIN-B", b.Skip(1).Take(20), now.AddSeconds(100), now);
        allocator.Draw("VIN-D", PlateKind.Small, EnergyKind.Pure, 50, true, now.AddSeconds(1), now);
        now = now.AddSeconds(2); // D's holds have lapsed too

        var everyPlate = PlatesOf("D01###").Concat(PlatesOf("D4##0#")).ToList();
        var available = everyPlate.Where(p => allocator.StateOf(p, now) == NumberState.Available).ToList();
        var counts = CountsOf(allocator, 'D', now);
        Assert.Equal(available.Count, counts.Available);

        var noFour = allocator.Draw("VIN-E", PlateKind.Small, EnergyKind.Pure, 100_000, true, now.AddSeconds(90), now);
        var rest = allocator.Draw("VIN-F", PlateKind.Small, EnergyKind.Pure, 100_000, false, now.AddSeconds(90), now);

        Assert.Equal(available.Where(p => !p.Contains('4')).Order(StringComparer.Ordinal), noFour.Order(StringComparer.Ordinal));
        Assert.Equal(available.Where(p => p.Contains('4')).Order(StringComparer.Ordinal), rest.Order(StringComparer.Ordinal));
    }
}
