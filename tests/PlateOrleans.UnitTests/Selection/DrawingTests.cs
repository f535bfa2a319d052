using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>Draws, backups and confirmation against a real pool and ledger.</summary>
public sealed class DrawingTests
{
    private static SelectionWorld Drawing(OfficeRules? rules = null, PoolPublication? publication = null)
    {
        var world = new SelectionWorld(rules, publication);
        world.EnterAndVerify();
        return world;
    }

    [Fact]
    public async Task DrawSpendsOneDrawAndHoldsTenDistinctNumbers()
    {
        var world = Drawing();

        var view = await world.DrawAsync();

        Assert.Equal(4, view.RemainingDraws);
        Assert.Equal(1, view.Batch!.Number);
        Assert.Equal(10, view.Batch.Plates.Distinct().Count());
        Assert.All(view.Batch.Plates, p => Assert.Matches("^冀AD0[0-9]{4}$", p));
        Assert.All(view.Batch.Plates, p => Assert.Equal(NumberState.Held, world.StateOf(p)));
        Assert.Equal(world.Time.GetUtcNow().AddSeconds(90), view.Batch.ExpiresAt);
        Assert.False(view.Batch.BackupTaken);
        var drew = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.Drew>());
        Assert.Equal(view.Batch.Plates, drew.Plates);
    }

    [Fact]
    public async Task ExcludeFourDrawsOnlyNumbersWithoutTheDigitFour()
    {
        var world = Drawing();

        var view = await world.DrawAsync(excludeFour: true);

        Assert.True(view.Batch!.ExcludeFour);
        Assert.All(view.Batch.Plates, p => Assert.DoesNotContain('4', p));
    }

    [Fact]
    public async Task ALargeVehicleDrawsFromTheLargeSeries()
    {
        var world = new SelectionWorld();
        world.Vehicle = world.Vehicle with { PlateKind = PlateKind.Large };
        world.EnterAndVerify();

        var view = await world.DrawAsync();

        Assert.All(view.Batch!.Plates, p => Assert.Matches("^冀A10[0-9]{3}D$", p));
    }

    [Fact]
    public async Task AnotherBatchReplacesTheOldOneAndGivesBackItsUnkeptNumbers()
    {
        var world = Drawing();
        var first = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(first.Plates[2]));

        var second = (await world.DrawAsync()).Batch!;

        Assert.Equal(2, second.Number);
        Assert.Equal(NumberState.Held, world.StateOf(first.Plates[2]));
        Assert.All(first.Plates.Where(p => p != first.Plates[2] && !second.Plates.Contains(p)), p => Assert.Equal(NumberState.Available, world.StateOf(p)));
    }

    [Fact]
    public async Task NoDrawIsLeftAfterTheLast()
    {
        var world = Drawing(OfficeRules.Default with { DrawsPerVehicle = 2 });
        await world.DrawAsync();
        await world.DrawAsync();

        Fails(await world.Rules.Drawing.DrawAsync(false), ErrorCodes.DrawsExhausted);
        Assert.Equal(2, world.State.DrawsUsed);
    }

    [Fact]
    public async Task AnEmptyPoolCostsNoDraw()
    {
        var world = Drawing(publication: new PoolPublication([new SeriesBlocks(PlateKind.Small, 'D', ["D00000"])]));
        var only = (await world.DrawAsync()).Batch!.Plates;
        Assert.Equal(["冀AD00000"], only);
        world.Time.Advance(TimeSpan.FromSeconds(1));

        // The old batch goes back before the new draw, so the one number comes around again.
        Assert.Equal(only, (await world.DrawAsync()).Batch!.Plates);
        Assert.Equal(3, world.State.RemainingDraws);
        world.Pool.Allocator.ForceAssigned("冀AD00000", "SOMEONEELSE000000", issued: false);
        Fails(await world.Rules.Drawing.DrawAsync(false), ErrorCodes.PoolEmpty);
        Assert.Equal(3, world.State.RemainingDraws);
    }

    [Fact]
    public async Task ABatchLapsesWhenItsCountdownEnds()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;

        world.Time.Advance(TimeSpan.FromSeconds(90));

        Assert.Null(world.Rules.View().Batch);
        Assert.All(batch.Plates, p => Assert.Equal(NumberState.Available, world.StateOf(p)));
        Fails(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]), ErrorCodes.BatchExpired);
    }

    [Fact]
    public async Task OneBackupPerBatchStartsTheBackupCountdown()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        world.Time.Advance(TimeSpan.FromSeconds(30));

        var view = Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[1]));

        Assert.Equal([batch.Plates[1]], view.Backups!.Plates);
        Assert.Equal(world.Time.GetUtcNow().AddSeconds(90), view.Backups.ExpiresAt);
        Assert.True(view.Batch!.BackupTaken);
        Fails(await world.Rules.Drawing.AddBackupAsync(batch.Plates[2]), ErrorCodes.BackupAlreadyTaken);
    }

    [Fact]
    public async Task ABackupMustComeFromTheCurrentBatch()
    {
        var world = Drawing();
        var first = (await world.DrawAsync()).Batch!;
        var second = (await world.DrawAsync()).Batch!;
        var stale = first.Plates.First(p => !second.Plates.Contains(p));

        Fails(await world.Rules.Drawing.AddBackupAsync(stale), ErrorCodes.PlateNotInBatch);
        Fails(await world.Rules.Drawing.AddBackupAsync("冀AD99999"), ErrorCodes.PlateNotInBatch);
        Fails(await world.Rules.Drawing.AddBackupAsync("not a plate"), ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task TheBackupCountdownRestartsOnANewBackupAndOnANewBatch()
    {
        var world = Drawing();
        var first = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(first.Plates[0]));
        world.Time.Advance(TimeSpan.FromSeconds(60));

        var afterDraw = await world.DrawAsync();
        Assert.Equal(world.Time.GetUtcNow().AddSeconds(90), afterDraw.Backups!.ExpiresAt);
        world.Time.Advance(TimeSpan.FromSeconds(60));

        var afterBackup = Succeeds(await world.Rules.Drawing.AddBackupAsync(afterDraw.Batch!.Plates[0]));
        Assert.Equal([first.Plates[0], afterDraw.Batch.Plates[0]], afterBackup.Backups!.Plates);
        Assert.Equal(world.Time.GetUtcNow().AddSeconds(90), afterBackup.Backups.ExpiresAt);
        Assert.All(afterBackup.Backups.Plates, p => Assert.Equal(NumberState.Held, world.StateOf(p)));
    }

    [Fact]
    public async Task BackupsLapseTogetherWhenTheirCountdownEnds()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]));

        world.Time.Advance(TimeSpan.FromSeconds(90));

        Assert.Null(world.Rules.View().Backups);
        Assert.Equal(NumberState.Available, world.StateOf(batch.Plates[0]));
        Fails(await world.Rules.Completion.ConfirmAsync(batch.Plates[0]), ErrorCodes.BackupExpired);
    }

    [Fact]
    public async Task ConfirmingAValidBackupReservesItAndFinishes()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[3]));
        world.Rules.TakeEvents();

        var view = Succeeds(await world.Rules.Completion.ConfirmAsync(batch.Plates[3]));

        Assert.Equal(SelectionStage.Completed, view.Stage);
        Assert.Equal(batch.Plates[3], view.Selected!.Plate);
        Assert.Equal(ConfirmedBy.User, view.Selected.By);
        Assert.Equal(world.Time.GetUtcNow(), view.Selected.ConfirmedAt);
        Assert.Equal(new DateOnly(2026, 12, 10), view.Selected.ExchangeBy);
        Assert.Matches("^[2-9A-Z]{12}$", view.Selected.VoucherCode!);
        Assert.Null(view.Batch);
        Assert.Null(view.Backups);
        Assert.Equal(NumberState.Reserved, world.StateOf(batch.Plates[3]));
        Assert.All(batch.Plates.Where(p => p != batch.Plates[3]), p => Assert.Equal(NumberState.Available, world.StateOf(p)));
        var entry = await world.Ledger.LiveByVinAsync(world.Vehicle.Vin);
        Assert.Equal(batch.Plates[3], entry!.Plate);
        Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.Confirmed>());
    }

    [Fact]
    public async Task OnlyAValidBackupCanBeConfirmed()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;

        Fails(await world.Rules.Completion.ConfirmAsync(batch.Plates[0]), ErrorCodes.PlateNotInBackups);
        Assert.Null(await world.Ledger.LiveByVinAsync(world.Vehicle.Vin));
    }

    [Fact]
    public async Task ANumberTheLedgerGaveAwayMeanwhileIsUnavailable()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]));
        // Another activation of the pool (a partition) reserved it for someone else: the ledger is the last guard.
        await world.Ledger.ReserveAsync(new LedgerEntry(OfficeCode, batch.Plates[0], "LSVAU2180N0000000", ConfirmedBy.User, world.Time.GetUtcNow(), new DateOnly(2026, 12, 10)));

        Fails(await world.Rules.Completion.ConfirmAsync(batch.Plates[0]), ErrorCodes.PlateUnavailable);

        Assert.Equal(SelectionStage.Drawing, world.State.Stage);
        Assert.Empty(world.State.Backups);
    }

    [Fact]
    public async Task NothingHappensAfterCompletion()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]));
        Succeeds(await world.Rules.Completion.ConfirmAsync(batch.Plates[0]));
        world.Rules.TakeEvents();

        Fails(await world.Rules.Drawing.DrawAsync(false), ErrorCodes.WrongStage);
        Fails(await world.Rules.Drawing.AddBackupAsync(batch.Plates[1]), ErrorCodes.WrongStage);
        Fails(await world.Rules.Completion.ConfirmAsync(batch.Plates[1]), ErrorCodes.WrongStage);
        Assert.Equal(4, world.State.RemainingDraws);
        Assert.Empty(world.Rules.TakeEvents());
    }

    [Fact]
    public async Task ConfirmingTheConfirmedNumberAgainAnswersTheSameSelectionAndChangesNothing()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]));
        var first = Succeeds(await world.Rules.Completion.ConfirmAsync(batch.Plates[0])).Selected;
        world.Rules.TakeEvents();

        var again = Succeeds(await world.Rules.Completion.ConfirmAsync(batch.Plates[0]));

        Assert.Equal(first, again.Selected);
        Assert.Equal(SelectionStage.Completed, again.Stage);
        Assert.False(world.Rules.Changed);
        Assert.Empty(world.Rules.TakeEvents());
    }

    [Fact]
    public async Task DrawingBeforeVerificationIsTheWrongStage()
    {
        var world = new SelectionWorld();
        Succeeds(world.Enter());

        var error = Fails(await world.Rules.Drawing.DrawAsync(false), ErrorCodes.WrongStage);

        Assert.Equal(SelectionStage.ConfirmInfo, error.Stage);
        Assert.Equal(0, world.State.DrawsUsed);
    }

    [Fact]
    public async Task AfterARestartTheRunningBatchAndBackupsAreHeldAgainUnlessSomeoneElseGotThem()
    {
        var world = Drawing();
        var batch = (await world.DrawAsync()).Batch!;
        Succeeds(await world.Rules.Drawing.AddBackupAsync(batch.Plates[0]));
        // A restart: the pool comes back empty-handed (holds are not durable) and someone else holds one number.
        var restarted = new PlatePool(OfficeCode, "冀A", world.Ledger, world.Time, new CryptoRandomSource());
        await restarted.PublishAsync(world.Office.Publication);
        restarted.Allocator.Hold("SOMEONEELSE000000", [batch.Plates[5]], world.Time.GetUtcNow().AddMinutes(1), world.Time.GetUtcNow());
        var rules = new SelectionRules(world.State, restarted, world.Time, SelectionMode.Formal, SystemRandomSource.Instance);

        await rules.Drawing.RestoreHoldsAsync();

        var now = world.Time.GetUtcNow();
        Assert.Equal(world.Vehicle.Vin, restarted.Allocator.HolderOf(batch.Plates[0], now));
        Assert.Equal(world.Vehicle.Vin, restarted.Allocator.HolderOf(batch.Plates[1], now));
        Assert.Equal("SOMEONEELSE000000", restarted.Allocator.HolderOf(batch.Plates[5], now));
    }
}
