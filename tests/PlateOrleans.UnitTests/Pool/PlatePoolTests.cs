using Microsoft.Extensions.Time.Testing;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using static PlateOrleans.UnitTests.Pool.Pools;

namespace PlateOrleans.UnitTests.Pool;

public sealed class PlatePoolTests
{
    private readonly FakeTimeProvider _time = new(Opening);
    private readonly InMemoryPlateLedger _ledger = new();

    private PlatePool NewPool(IPlateLedger? ledger = null) => Pools.NewPool(ledger ?? _ledger, _time);

    private async Task<PlatePool> PublishedPool(PoolPublication publication, IPlateLedger? ledger = null)
    {
        var pool = NewPool(ledger);
        await pool.PublishAsync(publication);
        return pool;
    }

    private PoolDraw DrawFor(string vin, int count = 10, IReadOnlyList<string>? release = null) =>
        new(vin, PlateKind.Small, EnergyKind.Pure, count, false, _time.GetUtcNow().AddSeconds(90), release ?? []);

    private PoolReservation ReservationOf(string vin, string plate) =>
        new(vin, plate, ConfirmedBy.User, _time.GetUtcNow(), ExchangeBy);

    private static LedgerEntry EntryOf(string vin, string plate, string office = Office) =>
        new(office, plate, vin, ConfirmedBy.User, Opening, ExchangeBy);

    private static async Task<IReadOnlyList<string>> Drawn(PlatePool pool, PoolDraw draw)
    {
        var outcome = await pool.DrawAsync(draw);
        Assert.True(outcome.IsSuccess, outcome.Error?.Detail);
        return outcome.Value!;
    }

    [Fact]
    public async Task AReleasedReservationIsAvailableAgainAndAnIssuedNumberNeverIs()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        await pool.ReserveAsync(ReservationOf("VIN-A", "冀AD00001"));
        await pool.ReserveAsync(ReservationOf("VIN-B", "冀AD00002"));
        Assert.True(await pool.IssueAsync("VIN-B", "冀AD00002", Opening.AddDays(1)));

        await pool.ReleaseReservationAsync("VIN-A", "冀AD00001", Opening.AddDays(16));
        await pool.ReleaseReservationAsync("VIN-B", "冀AD00002", Opening.AddDays(16));
        await pool.ReleaseReservationAsync("VIN-A", "冀AD00001", Opening.AddDays(16));

        Assert.Equal(NumberState.Available, pool.Allocator.StateOf("冀AD00001", _time.GetUtcNow()));
        Assert.Null(await _ledger.LiveByVinAsync("VIN-A"));
        Assert.Equal(NumberState.Issued, pool.Allocator.StateOf("冀AD00002", _time.GetUtcNow()));
        Assert.True((await _ledger.LiveByVinAsync("VIN-B"))!.IsIssued);
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((9, 0, 1), (counts.Available, counts.Reserved, counts.Issued));
    }

    [Fact]
    public async Task NeitherAnExchangeNorALapseTouchesAnotherVehiclesNumber()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        await pool.ReserveAsync(ReservationOf("VIN-A", "冀AD00001"));

        Assert.False(await pool.IssueAsync("VIN-B", "冀AD00001", Opening));
        await pool.ReleaseReservationAsync("VIN-B", "冀AD00001", Opening);

        Assert.Equal(NumberState.Reserved, pool.Allocator.StateOf("冀AD00001", _time.GetUtcNow()));
        Assert.False((await _ledger.LiveByVinAsync("VIN-A"))!.IsIssued);
        Assert.True(await pool.IssueAsync("VIN-A", "冀AD00001", Opening));
        Assert.True(await pool.IssueAsync("VIN-A", "冀AD00001", Opening.AddHours(1)));
        Assert.Equal(Opening, (await _ledger.LiveByVinAsync("VIN-A"))!.ExchangedAt);
    }

    [Fact]
    public async Task PublishTakesTheLiveLedgerRowsOfTheOfficeOutOfThePool()
    {
        await _ledger.ReserveAsync(EntryOf("VIN-R", "冀AD00001"));
        await _ledger.ReserveAsync(EntryOf("VIN-I", "冀AD00002"));
        await _ledger.MarkExchangedAsync(Office, "冀AD00002", Opening);
        await _ledger.ReserveAsync(EntryOf("VIN-L", "冀AD00003"));
        await _ledger.ReleaseAsync(Office, "冀AD00003", Opening);
        await _ledger.ReserveAsync(EntryOf("VIN-O", "冀AD00004", office: "130400"));

        var pool = await PublishedPool(SmallPure("D0000#"));
        var drawn = await Drawn(pool, DrawFor("VIN-A"));

        Assert.Equal(
            ["冀AD00000", "冀AD00003", "冀AD00004", "冀AD00005", "冀AD00006", "冀AD00007", "冀AD00008", "冀AD00009"],
            drawn.Order(StringComparer.Ordinal));
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((0, 8, 1, 1), (counts.Available, counts.Held, counts.Reserved, counts.Issued));
    }

    [Fact]
    public async Task ReserveWritesTheLedgerAndAnsweringAgainForTheSameVinAndPlateIsASuccess()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        var plate = (await Drawn(pool, DrawFor("VIN-A")))[2];

        var reservation = ReservationOf("VIN-A", plate) with { VoucherCode = "FIRSTVOUCHER" };
        var first = await pool.ReserveAsync(reservation);
        var again = await pool.ReserveAsync(ReservationOf("VIN-A", plate) with { VoucherCode = "RETRYVOUCHER" });

        Assert.Equal(new ReservationResult(true, null, null), first);
        // The retry hears the reservation written first, so that a selection keeps the first voucher code.
        Assert.Equal(new ReservationResult(true, reservation, null), again);
        var row = Assert.Single(await _ledger.ListByOfficeAsync(Office));
        Assert.Equal((plate, "VIN-A", ConfirmedBy.User, ExchangeBy), (row.Plate, row.Vin, row.By, row.ExchangeBy));
        Assert.Equal(1, CountsOf(pool.Counts(), 'D').Reserved);
    }

    [Fact]
    public async Task ARebuiltPoolKnowsTheReservationAndAnswersARetryWithSuccess()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        var plate = (await Drawn(pool, DrawFor("VIN-A")))[0];
        await pool.ReserveAsync(ReservationOf("VIN-A", plate));

        var rebuilt = await PublishedPool(SmallPure("D0####"));
        var retry = await rebuilt.ReserveAsync(ReservationOf("VIN-A", plate));
        var other = await rebuilt.ReserveAsync(ReservationOf("VIN-B", plate));

        Assert.True(retry.Reserved);
        Assert.Equal(ErrorCodes.PlateUnavailable, other.Error?.Code);
        Assert.Single(await _ledger.ListByOfficeAsync(Office));
    }

    [Fact]
    public async Task APlateTheLedgerGaveAnotherVinIsUnavailableAndStaysOutOfThePool()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        var batch = await Drawn(pool, DrawFor("VIN-A"));
        await _ledger.ReserveAsync(EntryOf("VIN-B", batch[0])); // written by another activation the pool did not hear of

        var result = await pool.ReserveAsync(ReservationOf("VIN-A", batch[0]));

        Assert.False(result.Reserved);
        Assert.Null(result.Existing);
        Assert.Equal(ErrorCodes.PlateUnavailable, result.Error?.Code);
        Assert.Equal("VIN-B", (await _ledger.LiveByVinAsync("VIN-B"))?.Vin);
        Assert.Null(await _ledger.LiveByVinAsync("VIN-A"));
        Assert.Empty(await pool.HoldAsync("VIN-A", [batch[0]], _time.GetUtcNow().AddSeconds(90)));
        _time.Advance(TimeSpan.FromSeconds(91));
        Assert.DoesNotContain(batch[0], await Drawn(pool, DrawFor("VIN-C")));
        Assert.Equal(1, CountsOf(pool.Counts(), 'D').Reserved);
    }

    [Fact]
    public async Task AVinThatHoldsAnotherPlateInTheLedgerGetsThatReservationBack()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        var batch = await Drawn(pool, DrawFor("VIN-A"));
        await _ledger.ReserveAsync(EntryOf("VIN-A", "冀AD09999")); // confirmed earlier through another activation

        var result = await pool.ReserveAsync(ReservationOf("VIN-A", batch[0]));

        Assert.False(result.Reserved);
        Assert.Null(result.Error);
        Assert.Equal(new PoolReservation("VIN-A", "冀AD09999", ConfirmedBy.User, Opening, ExchangeBy), result.Existing);
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(batch[0], _time.GetUtcNow()));
        Assert.Equal(NumberState.Reserved, pool.Allocator.StateOf("冀AD09999", _time.GetUtcNow()));
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((10, 1), (counts.Held, counts.Reserved));
    }

    [Fact]
    public async Task ARepublicationKeepsRunningHoldsAndReservations()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        var a = await Drawn(pool, DrawFor("VIN-A", 4));
        var b = await Drawn(pool, DrawFor("VIN-B", 2));
        await pool.ReserveAsync(ReservationOf("VIN-B", b[0]));
        _time.Advance(TimeSpan.FromSeconds(30));

        await pool.PublishAsync(SmallPure("D0000#", "D0001#"));

        var now = _time.GetUtcNow();
        Assert.All(a, p => Assert.Equal("VIN-A", pool.Allocator.HolderOf(p, now)));
        Assert.Equal("VIN-B", pool.Allocator.HolderOf(b[1], now));
        Assert.Equal(ReserveStatus.AlreadyReserved, pool.Allocator.TryReserve("VIN-B", b[0], now).Status);
        var others = await Drawn(pool, DrawFor("VIN-C", 100));
        Assert.Equal(14, others.Count);
        Assert.Empty(others.Intersect([.. a, .. b]));
        _time.Advance(TimeSpan.FromSeconds(60)); // the holds end when they would have
        Assert.Null(pool.Allocator.HolderOf(a[0], _time.GetUtcNow()));
    }

    [Fact]
    public async Task ARepublicationDropsHoldsOnNumbersNoLongerPublished()
    {
        var pool = await PublishedPool(SmallPure("D0000#", "D0001#"));
        var batch = await Drawn(pool, DrawFor("VIN-A", 20));

        await pool.PublishAsync(SmallPure("D0001#"));

        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((10, 0, 10), (counts.Total, counts.Available, counts.Held));
        Assert.All(batch.Where(p => p.StartsWith("冀AD0000", StringComparison.Ordinal)), p => Assert.Null(pool.Allocator.StateOf(p, _time.GetUtcNow())));
    }

    [Fact]
    public async Task ARepublicationCountsEachReservationOnce()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        var plate = (await Drawn(pool, DrawFor("VIN-A")))[0];
        await pool.ReserveAsync(ReservationOf("VIN-A", plate));

        await pool.PublishAsync(SmallPure("D0####"));
        await pool.PublishAsync(SmallPure("D0####"));

        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((10_000, 9_990, 9, 1, 0), (counts.Total, counts.Available, counts.Held, counts.Reserved, counts.Issued));
    }

    [Fact]
    public async Task ARepublicationAfterAnExchangeShowsTheNumberIssued()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        await pool.ReserveAsync(ReservationOf("VIN-A", "冀AD01234"));
        await _ledger.MarkExchangedAsync(Office, "冀AD01234", Opening.AddDays(3));

        await pool.PublishAsync(SmallPure("D0####"));

        Assert.Equal(NumberState.Issued, pool.Allocator.StateOf("冀AD01234", _time.GetUtcNow()));
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((0, 1), (counts.Reserved, counts.Issued));
    }

    [Fact]
    public async Task WhenTheLedgerDoesNotAnswerTheNumberGoesBackToTheHoldersHold()
    {
        var ledger = new UnavailableLedger();
        var pool = await PublishedPool(SmallPure("D0####"), ledger);
        var batch = await Drawn(pool, DrawFor("VIN-A"));
        _time.Advance(TimeSpan.FromSeconds(20));

        var result = await pool.ReserveAsync(ReservationOf("VIN-A", batch[3]));

        Assert.False(result.Reserved);
        Assert.Equal(ErrorCodes.Unavailable, result.Error?.Code);
        Assert.Equal(1, ledger.Writes);
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(batch[3], _time.GetUtcNow()));
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((10, 0), (counts.Held, counts.Reserved));
        _time.Advance(TimeSpan.FromSeconds(70)); // the hold still ends when the batch does
        Assert.Equal(NumberState.Available, pool.Allocator.StateOf(batch[3], _time.GetUtcNow()));
    }

    [Fact]
    public async Task WhenTheLedgerDoesNotAnswerANumberNobodyHeldGoesBackToThePool()
    {
        var pool = await PublishedPool(SmallPure("D0####"), new UnavailableLedger());

        var result = await pool.ReserveAsync(ReservationOf("VIN-A", "冀AD01234"));

        Assert.Equal(ErrorCodes.Unavailable, result.Error?.Code);
        Assert.Equal(NumberState.Available, pool.Allocator.StateOf("冀AD01234", _time.GetUtcNow()));
        Assert.Equal((10_000, 0), (CountsOf(pool.Counts(), 'D').Available, CountsOf(pool.Counts(), 'D').Reserved));
    }

    [Fact]
    public async Task ASecondReservationOfTheSameVinAndPlateWhileTheFirstWritesSharesItsAnswer()
    {
        var gate = new TaskCompletionSource();
        var ledger = new UnavailableLedger(gate.Task);
        var pool = await PublishedPool(SmallPure("D0####"), ledger);
        var plate = (await Drawn(pool, DrawFor("VIN-A")))[0];

        var first = pool.ReserveAsync(ReservationOf("VIN-A", plate));
        var second = pool.ReserveAsync(ReservationOf("VIN-A", plate));
        var other = await pool.ReserveAsync(ReservationOf("VIN-B", plate));
        gate.SetResult();

        Assert.Same(first, second);
        Assert.Equal(ErrorCodes.Unavailable, (await first).Error?.Code);
        Assert.Equal(ErrorCodes.PlateUnavailable, other.Error?.Code);
        Assert.Equal(1, ledger.Writes);
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(plate, _time.GetUtcNow()));
    }

    [Fact]
    public async Task ALedgerFailureDuringARepublicationStillGivesTheNumberBack()
    {
        var gate = new TaskCompletionSource();
        var ledger = new UnavailableLedger(gate.Task);
        var pool = await PublishedPool(SmallPure("D0####"), ledger);
        var plate = (await Drawn(pool, DrawFor("VIN-A")))[0];

        var pending = pool.ReserveAsync(ReservationOf("VIN-A", plate));
        await pool.PublishAsync(SmallPure("D0####"));
        gate.SetResult();
        var result = await pending;

        Assert.Equal(ErrorCodes.Unavailable, result.Error?.Code);
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(plate, _time.GetUtcNow()));
        Assert.Equal(0, CountsOf(pool.Counts(), 'D').Reserved);
        var retry = await pool.ReserveAsync(ReservationOf("VIN-A", plate));
        Assert.False(retry.Reserved); // the ledger still does not answer: no success without a ledger row
    }

    [Fact]
    public async Task ADrawGivesBackTheNumbersItIsToldToReleaseBeforeDrawing()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        var first = await Drawn(pool, DrawFor("VIN-A"));

        var second = await Drawn(pool, DrawFor("VIN-A", release: first.Skip(1).ToList()));

        Assert.Equal(first.Skip(1).Order(StringComparer.Ordinal), second.Order(StringComparer.Ordinal));
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(first[0], _time.GetUtcNow()));
    }

    [Fact]
    public async Task AnEmptyPoolAnswersPoolEmpty()
    {
        var pool = await PublishedPool(SmallPure("D0000#"));
        await Drawn(pool, DrawFor("VIN-A"));

        var outcome = await pool.DrawAsync(DrawFor("VIN-B"));
        var excludeFour = await pool.DrawAsync(DrawFor("VIN-B") with { ExcludeFour = true });
        var nonPure = await pool.DrawAsync(DrawFor("VIN-B") with { Energy = EnergyKind.NonPure });

        Assert.Equal(ErrorCodes.PoolEmpty, outcome.Error?.Code);
        Assert.Equal(ErrorCodes.PoolEmpty, excludeFour.Error?.Code);
        Assert.Equal(ErrorCodes.PoolEmpty, nonPure.Error?.Code);
    }

    [Fact]
    public async Task AnUnpublishedPoolDrawsNothing()
    {
        var outcome = await NewPool().DrawAsync(DrawFor("VIN-A"));

        Assert.Equal(ErrorCodes.PoolEmpty, outcome.Error?.Code);
        Assert.Empty(NewPool().Counts());
    }

    [Fact]
    public async Task SweepReturnsLapsedHoldsSoCountsStayTrueWithoutTraffic()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        await Drawn(pool, DrawFor("VIN-A"));
        await pool.HoldAsync("VIN-A", [], _time.GetUtcNow().AddSeconds(90));
        _time.Advance(TimeSpan.FromSeconds(90));

        pool.Sweep();

        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((10_000, 0), (counts.Available, counts.Held));
    }

    [Fact]
    public async Task HoldAndReleaseThroughThePoolUseItsClock()
    {
        var pool = await PublishedPool(SmallPure("D0####"));
        var batch = await Drawn(pool, DrawFor("VIN-A"));
        _time.Advance(TimeSpan.FromSeconds(60));

        var kept = await pool.HoldAsync("VIN-A", [batch[0]], _time.GetUtcNow().AddSeconds(90));
        await pool.ReleaseAsync("VIN-A", batch.Skip(1).ToList());
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal([batch[0]], kept);
        var counts = CountsOf(pool.Counts(), 'D');
        Assert.Equal((9_999, 1), (counts.Available, counts.Held));
        Assert.Equal("VIN-A", pool.Allocator.HolderOf(batch[0], _time.GetUtcNow()));
    }
}
