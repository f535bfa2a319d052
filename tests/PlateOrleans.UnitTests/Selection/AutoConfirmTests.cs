using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>When the draws run out without a confirmation, the first number of the last batch is confirmed by itself.</summary>
public sealed class AutoConfirmTests
{
    private static async Task<(SelectionWorld World, BatchView LastBatch)> OutOfDraws(int draws = 2)
    {
        var world = new SelectionWorld(OfficeRules.Default with { DrawsPerVehicle = draws });
        world.EnterAndVerify();
        BatchView? last = null;
        for (var i = 0; i < draws; i++)
        {
            last = (await world.DrawAsync()).Batch;
        }

        return (world, last!);
    }

    [Fact]
    public async Task TheLastDrawSetsTheMomentAndKeepsItsFirstNumberHeld()
    {
        var (world, last) = await OutOfDraws();

        Assert.Equal(last.ExpiresAt, world.Rules.View().AutoConfirmAt);
        world.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.Null(world.State.Selected);
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        world.Time.Advance(TimeSpan.FromSeconds(1));

        // The batch lapsed, but its first number waits for the auto-confirm.
        Assert.Equal(NumberState.Held, world.StateOf(last.Plates[0]));
        Assert.Equal(NumberState.Available, world.StateOf(last.Plates[1]));
    }

    [Fact]
    public async Task AtTheMomentTheFirstNumberOfTheLastBatchIsConfirmed()
    {
        var (world, last) = await OutOfDraws();
        world.Time.Advance(TimeSpan.FromSeconds(90));

        var caughtUp = await world.Rules.CatchUpAsync();

        Assert.True(caughtUp.Changed);
        var view = world.Rules.View();
        Assert.Equal(SelectionStage.Completed, view.Stage);
        Assert.Equal(last.Plates[0], view.Selected!.Plate);
        Assert.Equal(ConfirmedBy.Auto, view.Selected.By);
        Assert.Equal(last.ExpiresAt, view.Selected.ConfirmedAt);
        Assert.Null(view.AutoConfirmAt);
        Assert.Equal(NumberState.Reserved, world.StateOf(last.Plates[0]));
        Assert.Equal(last.Plates[0], (await world.Ledger.LiveByVinAsync(world.Vehicle.Vin))!.Plate);
        var confirmed = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.Confirmed>());
        Assert.Equal(ConfirmedBy.Auto, confirmed.Selected.By);
    }

    [Fact]
    public async Task TheMomentIsTheLaterOfTheBatchAndBackupCountdowns()
    {
        var (world, last) = await OutOfDraws();
        world.Time.Advance(TimeSpan.FromSeconds(30));

        Succeeds(await world.Rules.Drawing.AddBackupAsync(last.Plates[5]));

        var backupsEnd = world.Time.GetUtcNow().AddSeconds(90);
        Assert.Equal(backupsEnd, world.Rules.View().AutoConfirmAt);
        world.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        world.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await world.Rules.CatchUpAsync()).Changed);
        Assert.Equal(last.Plates[0], world.State.Selected!.Plate);
        Assert.Equal(NumberState.Available, world.StateOf(last.Plates[5]));
    }

    [Fact]
    public async Task TheApplicantMayStillConfirmABackupBeforeTheMoment()
    {
        var (world, last) = await OutOfDraws();
        Succeeds(await world.Rules.Drawing.AddBackupAsync(last.Plates[7]));

        var view = Succeeds(await world.Rules.Completion.ConfirmAsync(last.Plates[7]));

        Assert.Equal(ConfirmedBy.User, view.Selected!.By);
        Assert.Null(world.Rules.State.PendingAutoConfirm);
        Assert.Equal(NumberState.Available, world.StateOf(last.Plates[0]));
    }

    [Fact]
    public async Task WhenTheFirstNumberWasLostTheNextStillAvailableIsTakenInOrder()
    {
        var (world, last) = await OutOfDraws();
        world.Time.Advance(TimeSpan.FromSeconds(90));
        // A failover dropped the holds and others got the first two numbers.
        world.Pool.Allocator.ForceAssigned(last.Plates[0], "LSVAU2180N0000001", issued: false);
        world.Pool.Allocator.ForceAssigned(last.Plates[1], "LSVAU2180N0000002", issued: false);

        await world.Rules.CatchUpAsync();

        Assert.Equal(last.Plates[2], world.State.Selected!.Plate);
        Assert.Equal(ConfirmedBy.Auto, world.State.Selected.By);
    }

    [Fact]
    public async Task AnySelectionStepAfterTheMomentSeesItConfirmed()
    {
        var (world, last) = await OutOfDraws();
        world.Time.Advance(TimeSpan.FromMinutes(10));

        await world.Rules.CatchUpAsync();

        Fails(await world.Rules.Completion.ConfirmAsync(last.Plates[1]), ErrorCodes.WrongStage);
        Assert.Equal(SelectionStage.Completed, Succeeds(world.Enter()).Stage);
        Assert.Equal(ConfirmedBy.Auto, Succeeds(await world.Rules.Completion.ConfirmAsync(last.Plates[0])).Selected!.By);
    }

    [Fact]
    public async Task NothingIsDueWhileDrawsRemain()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();
        await world.DrawAsync();
        world.Time.Advance(TimeSpan.FromHours(1));

        Assert.Null(world.Rules.NextWakeUp);
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Null(world.State.Selected);
    }
}
