using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>
/// After the confirmation: the number waits for the exchange at the window until the end of its exchange day; exchanged
/// it is issued for good, not exchanged it goes back to the pool and the applicant is blacklisted.
/// </summary>
public sealed class ExchangeDeadlineTests
{
    // Confirmed at 09:00 on 2026-11-25 (Beijing time), 15 days of validity: exchange by 2026-12-10, which ends at
    // midnight Beijing time, 16:00 UTC.
    private static readonly DateTimeOffset Deadline = new(2026, 12, 10, 16, 0, 0, TimeSpan.Zero);

    private static async Task<(SelectionWorld World, SelectedView Selected)> ConfirmedAsync()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();
        var plate = (await world.DrawAsync()).Batch!.Plates[3];
        Succeeds(await world.Rules.Drawing.AddBackupAsync(plate));
        var selected = Succeeds(await world.Rules.Completion.ConfirmAsync(plate)).Selected!;
        world.Rules.TakeEvents();
        return (world, selected);
    }

    [Fact]
    public async Task AConfirmedNumberStaysReservedToTheEndOfItsExchangeDay()
    {
        var (world, selected) = await ConfirmedAsync();

        Assert.Equal(new DateOnly(2026, 12, 10), selected.ExchangeBy);
        // First the reminder at 09:00 the day before (see AppointmentRulesTests), then the deadline.
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 1, 0, 0, TimeSpan.Zero), world.Rules.NextWakeUp);
        world.Time.SetUtcNow(Deadline.AddTicks(-1));
        Assert.True((await world.Rules.CatchUpAsync()).Changed);
        Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.DeadlineNear>());
        Assert.Equal(Deadline, world.Rules.NextWakeUp);
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Equal(SelectionStage.Completed, world.State.Stage);
        Assert.Equal(NumberState.Reserved, world.StateOf(selected.Plate));
    }

    [Fact]
    public async Task TheVoucherCodeIsKeptWithTheReservationInTheLedger()
    {
        var (world, selected) = await ConfirmedAsync();

        Assert.True(VoucherCodes.IsVoucherCode(selected.VoucherCode!));
        Assert.Equal(selected.VoucherCode, (await world.Ledger.LiveByVinAsync(world.Vehicle.Vin))!.VoucherCode);
        Assert.Equal(world.Vehicle.Vin, (await world.Ledger.FindLiveAsync(OfficeCode, null, selected.VoucherCode))!.Vin);
    }

    [Fact]
    public async Task AtTheDeadlineTheNumberGoesBackToThePoolAndTheApplicantIsBlacklistedForTwoYears()
    {
        var (world, selected) = await ConfirmedAsync();
        world.Time.SetUtcNow(Deadline.AddMinutes(3));

        Assert.True((await world.Rules.CatchUpAsync()).Changed);

        Assert.Equal(SelectionStage.Lapsed, world.Rules.View().Stage);
        Assert.Equal(Deadline, world.State.LapsedAt);
        Assert.Null(world.Rules.NextWakeUp);
        Assert.Equal(NumberState.Available, world.StateOf(selected.Plate));
        Assert.Null(await world.Ledger.LiveByVinAsync(world.Vehicle.Vin));
        var lapsed = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.Lapsed>());
        Assert.Equal((selected.Plate, "zhangsan", Deadline.AddDays(730)), (lapsed.Plate, lapsed.Username, lapsed.BlacklistedUntil));
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
    }

    [Fact]
    public async Task AnExchangeIssuesTheNumberForGoodAndNothingLapsesAfterwards()
    {
        var (world, selected) = await ConfirmedAsync();
        world.Time.Advance(TimeSpan.FromDays(3));

        var view = Succeeds(await world.Rules.Completion.ExchangeAsync("op-sjz"));

        Assert.Equal(SelectionStage.Exchanged, view.Stage);
        Assert.Equal(world.Time.GetUtcNow(), view.Selected!.ExchangedAt);
        Assert.Equal(NumberState.Issued, world.StateOf(selected.Plate));
        Assert.True((await world.Ledger.LiveByVinAsync(world.Vehicle.Vin))!.IsIssued);
        var exchanged = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.Exchanged>());
        Assert.Equal((selected.Plate, "op-sjz"), (exchanged.Plate, exchanged.Operator));
        Assert.Null(world.Rules.NextWakeUp);

        world.Time.SetUtcNow(Deadline.AddDays(30).AddHours(9)); // 09:00 Beijing time: the office takes entries
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Equal(view.Selected, Succeeds(await world.Rules.Completion.ExchangeAsync("op-sjz")).Selected);
        Assert.Empty(world.Rules.TakeEvents());
        Assert.Equal(SelectionStage.Exchanged, Succeeds(world.Enter()).Stage);
    }

    [Fact]
    public async Task AfterTheDeadlineTheWindowFindsTheSelectionLapsed()
    {
        var (world, _) = await ConfirmedAsync();
        world.Time.SetUtcNow(Deadline);
        await world.Rules.CatchUpAsync();

        var error = Fails(await world.Rules.Completion.ExchangeAsync("op-sjz"), ErrorCodes.WrongStage);

        Assert.Equal(SelectionStage.Lapsed, error.Stage);
    }

    [Fact]
    public async Task OnlyAConfirmedSelectionCanBeExchanged()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();
        var plates = (await world.DrawAsync()).Batch!.Plates;

        Assert.Equal(SelectionStage.Drawing, Fails(await world.Rules.Completion.ExchangeAsync("op-sjz"), ErrorCodes.WrongStage).Stage);
        Assert.Equal(NumberState.Held, world.StateOf(plates[0]));
    }

    [Fact]
    public async Task ABlacklistedApplicantIsRefusedAndOnceItIsOverTheVehicleSelectsAnew()
    {
        var (world, _) = await ConfirmedAsync();
        world.Time.SetUtcNow(Deadline.AddHours(9)); // 09:00 Beijing time: the office takes entries
        await world.Rules.CatchUpAsync();
        var until = world.Rules.TakeEvents().OfType<SelectionEvent.Lapsed>().Single().BlacklistedUntil;

        world.BlacklistedUntil = until;
        Assert.Equal(until, Fails(world.Enter(), ErrorCodes.Blacklisted).Until);

        world.Time.SetUtcNow(until.AddHours(9));
        var view = Succeeds(world.Enter());
        Assert.Equal(SelectionStage.ConfirmInfo, view.Stage);
        Assert.Equal(5, view.RemainingDraws);
        Assert.Null(view.Selected);
        Assert.Null(world.Rules.NextWakeUp);
    }
}
