using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// The behaviour every <see cref="IPlateLedger"/> shares, run against the in-memory ledger and the SQL ledger on
/// SQLite and PostgreSQL, so that the three agree.
/// </summary>
public abstract class PlateLedgerContract : StoreContract<IPlateLedger>
{
    // Whole milliseconds and a non-UTC offset: the databases keep microseconds and UTC, and equality is by instant.
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Deadline = new(2026, 3, 17);

    protected IPlateLedger Ledger => Store;

    [SkippableFact]
    public async Task AReservedPlateIsLiveForItsVinAndItsOffice()
    {
        var entry = Entry("4401", "粤B12345", "LSVAU2180N2183294");

        var result = await Ledger.ReserveAsync(entry);

        Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.Written), result);
        Assert.Equal(entry, await Ledger.LiveByVinAsync(entry.Vin));
        Assert.Equal([entry], await Ledger.LiveByOfficeAsync("4401"));
        Assert.Equal([entry], await Ledger.ListByOfficeAsync("4401"));
        Assert.Empty(await Ledger.LiveByOfficeAsync("4402"));
        Assert.Null(await Ledger.LiveByVinAsync("LSVAU2180N2183295"));
    }

    [SkippableFact]
    public async Task ARetriedReservationAnswersAlreadyWrittenWithTheRow()
    {
        var entry = Entry("4401", "粤B10001", "VIN-RETRY");
        await Ledger.ReserveAsync(entry);

        var retry = await Ledger.ReserveAsync(entry with { ReservedAt = Morning.AddSeconds(5) });

        Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.AlreadyWritten, entry), retry);
        Assert.Single(await Ledger.ListByOfficeAsync("4401"));
    }

    [SkippableFact]
    public async Task APlateLiveForOneVinIsRefusedToAnother()
    {
        var first = Entry("4401", "粤B10002", "VIN-FIRST");
        await Ledger.ReserveAsync(first);

        var second = await Ledger.ReserveAsync(Entry("4401", "粤B10002", "VIN-SECOND"));

        Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.PlateTaken, first), second);
        Assert.Null(await Ledger.LiveByVinAsync("VIN-SECOND"));
    }

    [SkippableFact]
    public async Task TheSamePlateNumberInAnotherOfficeIsADifferentPlate()
    {
        await Ledger.ReserveAsync(Entry("4401", "粤B10003", "VIN-OFFICE-1"));

        var other = await Ledger.ReserveAsync(Entry("4403", "粤B10003", "VIN-OFFICE-2"));

        Assert.Equal(LedgerWriteStatus.Written, other.Status);
    }

    [SkippableFact]
    public async Task AVinWithALivePlateCannotReserveAnother()
    {
        var first = Entry("4401", "粤B10004", "VIN-TWICE");
        await Ledger.ReserveAsync(first);

        var second = await Ledger.ReserveAsync(Entry("4401", "粤B10005", "VIN-TWICE"));

        Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.VinHasOther, first), second);
        Assert.Equal([first], await Ledger.LiveByOfficeAsync("4401"));
    }

    [SkippableFact]
    public async Task AReleasedPlateCanBeReservedByAnotherVin()
    {
        var first = Entry("4401", "粤B10006", "VIN-LAPSED");
        await Ledger.ReserveAsync(first);
        var releasedAt = Morning.AddDays(15);

        Assert.True(await Ledger.ReleaseAsync("4401", "粤B10006", releasedAt));
        var second = Entry("4401", "粤B10006", "VIN-NEXT", Morning.AddDays(16));
        var result = await Ledger.ReserveAsync(second);

        Assert.Equal(LedgerWriteStatus.Written, result.Status);
        Assert.Equal([second], await Ledger.LiveByOfficeAsync("4401"));
        Assert.Equal([first with { ReleasedAt = releasedAt }, second], await Ledger.ListByOfficeAsync("4401"));
        Assert.Null(await Ledger.LiveByVinAsync("VIN-LAPSED"));
    }

    [SkippableFact]
    public async Task AVinWhosePlateWasReleasedMayReserveAgain()
    {
        await Ledger.ReserveAsync(Entry("4401", "粤B10007", "VIN-AGAIN"));
        await Ledger.ReleaseAsync("4401", "粤B10007", Morning.AddDays(15));

        var again = await Ledger.ReserveAsync(Entry("4401", "粤B10008", "VIN-AGAIN", Morning.AddDays(16)));

        Assert.Equal(LedgerWriteStatus.Written, again.Status);
    }

    [SkippableFact]
    public async Task AnExchangedPlateStaysLiveAndCanNeitherBeExchangedNorReleasedAgain()
    {
        var entry = Entry("4401", "粤B10009", "VIN-ISSUED");
        await Ledger.ReserveAsync(entry);
        var exchangedAt = Morning.AddDays(3);

        Assert.True(await Ledger.MarkExchangedAsync("4401", "粤B10009", exchangedAt));
        Assert.False(await Ledger.MarkExchangedAsync("4401", "粤B10009", exchangedAt.AddHours(1)));
        Assert.False(await Ledger.ReleaseAsync("4401", "粤B10009", exchangedAt.AddDays(20)));

        var issued = entry with { ExchangedAt = exchangedAt };
        Assert.Equal(issued, await Ledger.LiveByVinAsync("VIN-ISSUED"));
        Assert.True(issued.IsIssued);
        Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.VinHasOther, issued), await Ledger.ReserveAsync(Entry("4401", "粤B10010", "VIN-ISSUED")));
    }

    [SkippableFact]
    public async Task TheWindowFindsALiveRowByItsPlateOrItsVoucherCodeInItsOfficeOnly()
    {
        var entry = Entry("4401", "粤B10012", "VIN-VOUCHER") with { VoucherCode = "QVCB8ZSFTV7C" };
        await Ledger.ReserveAsync(entry);
        await Ledger.ReserveAsync(Entry("4401", "粤B10013", "VIN-RELEASED") with { VoucherCode = "RELEASED2345" });
        await Ledger.ReleaseAsync("4401", "粤B10013", Morning.AddDays(15));

        Assert.Equal(entry, await Ledger.FindLiveAsync("4401", "粤B10012", null));
        Assert.Equal(entry, await Ledger.FindLiveAsync("4401", null, "QVCB8ZSFTV7C"));
        Assert.Equal(entry, await Ledger.FindLiveAsync("4401", "粤B10012", "QVCB8ZSFTV7C"));
        Assert.Null(await Ledger.FindLiveAsync("4401", "粤B10012", "RELEASED2345"));
        Assert.Null(await Ledger.FindLiveAsync("4402", "粤B10012", null));
        Assert.Null(await Ledger.FindLiveAsync("4401", null, "RELEASED2345"));
        Assert.Null(await Ledger.FindLiveAsync("4401", null, null));
    }

    [SkippableFact]
    public async Task ReleasingOrExchangingAPlateWithNoLiveRowChangesNothing()
    {
        await Ledger.ReserveAsync(Entry("4401", "粤B10011", "VIN-GONE"));
        await Ledger.ReleaseAsync("4401", "粤B10011", Morning.AddDays(15));

        Assert.False(await Ledger.ReleaseAsync("4401", "粤B10011", Morning.AddDays(16)));
        Assert.False(await Ledger.MarkExchangedAsync("4401", "粤B10011", Morning.AddDays(16)));
        Assert.False(await Ledger.ReleaseAsync("4401", "粤B99999", Morning));
        Assert.False(await Ledger.MarkExchangedAsync("4402", "粤B10011", Morning));
    }

    [SkippableFact]
    public async Task AnOfficeListsEveryRowOldestFirstAndOnlyItsOwn()
    {
        var a = Entry("4401", "粤B20001", "VIN-A", Morning);
        var b = Entry("4401", "粤B20002", "VIN-B", Morning.AddMinutes(1), ConfirmedBy.Auto);
        var c = Entry("4401", "粤B20003", "VIN-C", Morning.AddMinutes(2));
        foreach (var entry in new[] { a, b, c, Entry("4402", "粤C20001", "VIN-D") })
        {
            await Ledger.ReserveAsync(entry);
        }

        await Ledger.ReleaseAsync("4401", "粤B20002", Morning.AddDays(15));

        Assert.Equal([a, b with { ReleasedAt = Morning.AddDays(15) }, c], await Ledger.ListByOfficeAsync("4401"));
        Assert.Equal([a, c], await Ledger.LiveByOfficeAsync("4401"));
    }

    [SkippableFact]
    public async Task HundredsOfConcurrentReservationsEachGetTheRightStatus()
    {
        // Four kinds of caller, all at once: 150 uncontested, 50 plates wanted by two VINs, 50 VINs wanting two
        // plates, 50 reservations sent twice.
        var free = Enumerable.Range(0, 150).Select(i => Entry("4401", $"粤B3{i:D4}", $"VIN-FREE-{i}")).ToList();
        var platePairs = Enumerable.Range(0, 50)
            .Select(i => (Entry("4401", $"粤B4{i:D4}", $"VIN-P1-{i}"), Entry("4401", $"粤B4{i:D4}", $"VIN-P2-{i}"))).ToList();
        var vinPairs = Enumerable.Range(0, 50)
            .Select(i => (Entry("4401", $"粤B5{i:D4}", $"VIN-V-{i}"), Entry("4401", $"粤B6{i:D4}", $"VIN-V-{i}"))).ToList();
        var twice = Enumerable.Range(0, 50).Select(i => Entry("4401", $"粤B7{i:D4}", $"VIN-TWICE-{i}")).ToList();

        var calls = new List<(LedgerEntry Entry, Task<LedgerWriteResult> Result)>();
        void Call(LedgerEntry entry) => calls.Add((entry, Task.Run(() => Ledger.ReserveAsync(entry))));
        for (var i = 0; i < 50; i++)
        {
            Call(free[3 * i]);
            Call(platePairs[i].Item1);
            Call(free[(3 * i) + 1]);
            Call(vinPairs[i].Item1);
            Call(twice[i]);
            Call(platePairs[i].Item2);
            Call(vinPairs[i].Item2);
            Call(twice[i]);
            Call(free[(3 * i) + 2]);
        }

        await Task.WhenAll(calls.Select(c => c.Result));
        var results = calls.ToLookup(c => c.Entry, c => c.Result.Result);

        Assert.All(free, e => Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.Written), Assert.Single(results[e])));
        foreach (var (first, second) in platePairs)
        {
            var outcomes = new[] { (first, Assert.Single(results[first])), (second, Assert.Single(results[second])) };
            var winner = Assert.Single(outcomes, o => o.Item2.Status == LedgerWriteStatus.Written).Item1;
            var loser = Assert.Single(outcomes, o => o.Item2.Status != LedgerWriteStatus.Written).Item2;
            Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.PlateTaken, winner), loser);
        }

        foreach (var (first, second) in vinPairs)
        {
            var outcomes = new[] { (first, Assert.Single(results[first])), (second, Assert.Single(results[second])) };
            var winner = Assert.Single(outcomes, o => o.Item2.Status == LedgerWriteStatus.Written).Item1;
            var loser = Assert.Single(outcomes, o => o.Item2.Status != LedgerWriteStatus.Written).Item2;
            Assert.Equal(new LedgerWriteResult(LedgerWriteStatus.VinHasOther, winner), loser);
        }

        foreach (var entry in twice)
        {
            Assert.Equal(
                [LedgerWriteStatus.Written, LedgerWriteStatus.AlreadyWritten],
                results[entry].Select(r => r.Status).Order());
        }

        var live = await Ledger.LiveByOfficeAsync("4401");
        Assert.Equal(150 + 50 + 50 + 50, live.Count);
        Assert.Equal(live.Count, live.Select(e => e.Plate).Distinct().Count());
        Assert.Equal(live.Count, live.Select(e => e.Vin).Distinct().Count());
    }

    private static LedgerEntry Entry(string office, string plate, string vin, DateTimeOffset? at = null, ConfirmedBy by = ConfirmedBy.User) =>
        new(office, plate, vin, by, at ?? Morning, Deadline);
}

public sealed class InMemoryPlateLedgerTests : PlateLedgerContract
{
    protected override Task<(IPlateLedger Store, IAsyncDisposable? Owner)> CreateAsync() =>
        Task.FromResult<(IPlateLedger, IAsyncDisposable?)>((new InMemoryPlateLedger(), null));
}

public sealed class SqlitePlateLedgerTests : PlateLedgerContract
{
    protected override Task<(IPlateLedger Store, IAsyncDisposable? Owner)> CreateAsync() => OnDatabaseAsync(Engine.Sqlite, "ledger", d => new SqlPlateLedger(d));
}

public sealed class PostgreSqlPlateLedgerTests : PlateLedgerContract
{
    protected override Task<(IPlateLedger Store, IAsyncDisposable? Owner)> CreateAsync() => OnDatabaseAsync(Engine.PostgreSql, "ledger", d => new SqlPlateLedger(d));
}
