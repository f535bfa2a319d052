using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>The simulation: the same rules on a private synthetic pool; no SMS, nothing held, no voucher.</summary>
public sealed class SimulationRulesTests
{
    private static (SelectionWorld World, SelectionRules Rules) Simulation()
    {
        var world = new SelectionWorld();
        var rules = new SelectionRules(new SelectionState(), new SyntheticPlateSource("冀A", world.Office.Publication, new CryptoRandomSource()), world.Time, SelectionMode.Practice, SystemRandomSource.Instance);
        return (world, rules);
    }

    private static SelectionReply Enter(SelectionWorld world, SelectionRules rules) =>
        rules.Entry.Enter(world.Facts);

    [Fact]
    public async Task ASimulationWalksTheWholeFlowWithoutTouchingTheRealPool()
    {
        var (world, rules) = Simulation();
        world.EnterAndVerify(rules);

        var batch = Succeeds(await rules.Drawing.DrawAsync(false)).Batch!;
        Succeeds(await rules.Drawing.AddBackupAsync(batch.Plates[0]));
        var done = Succeeds(await rules.Completion.ConfirmAsync(batch.Plates[0]));

        Assert.True(done.Simulation);
        Assert.Equal(SelectionStage.Completed, done.Stage);
        Assert.Null(done.Selected!.ExchangeBy);
        Assert.Null(done.Selected.VoucherCode);
        Assert.All(batch.Plates, p => Assert.Equal(NumberState.Available, world.StateOf(p)));
        Assert.Null(await world.Ledger.LiveByVinAsync(world.Vehicle.Vin));
        Assert.Equal(0, world.Pool.Counts().Sum(c => c.Held + c.Reserved));
    }

    [Fact]
    public void NoTextIsSentAndAnySixDigitsVerify()
    {
        var (world, rules) = Simulation();
        Succeeds(Enter(world, rules));
        Succeeds(rules.Entry.ConfirmInfo("v1", world.Office));
        Succeeds(rules.Entry.Start());

        var sent = rules.Sms.SendSmsCode().Sms!;

        Assert.True(sent.Simulated);
        Assert.Empty(rules.TakeEvents().OfType<SelectionEvent.CodeSent>());
        Assert.Equal(SelectionStage.Drawing, Succeeds(rules.Sms.Verify("000000")).Stage);
    }

    [Fact]
    public void BlacklistedUsersMayPractise()
    {
        var (world, rules) = Simulation();
        world.BlacklistedUntil = Start.AddDays(100);

        Succeeds(Enter(world, rules));
    }

    [Fact]
    public void PracticeIgnoresOpeningHoursButNotMaintenance()
    {
        var (world, rules) = Simulation();
        world.Time.SetUtcNow(new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero));

        Succeeds(Enter(world, rules));
        world.Office = world.Office with { Settings = world.Office.Settings with { Maintenance = true } };
        Fails(Enter(world, rules), ErrorCodes.Maintenance);
    }

    [Fact]
    public void PracticeStillNeedsTheOwnersVehicle()
    {
        var (world, rules) = Simulation();
        world.Applicant = world.Applicant with { IdNumber = StrangerId };

        Fails(Enter(world, rules), ErrorCodes.NotOwner);
    }

    [Fact]
    public async Task PracticeAutoConfirmsLikeTheRealThing()
    {
        var world = new SelectionWorld(OfficeRules.Default with { DrawsPerVehicle = 1 });
        var rules = new SelectionRules(new SelectionState(), new SyntheticPlateSource("冀A", world.Office.Publication, new CryptoRandomSource()), world.Time, SelectionMode.Practice, SystemRandomSource.Instance);
        world.EnterAndVerify(rules);
        var batch = Succeeds(await rules.Drawing.DrawAsync(false)).Batch!;
        world.Time.Advance(TimeSpan.FromSeconds(90));

        await rules.CatchUpAsync();

        Assert.Equal(batch.Plates[0], rules.State.Selected!.Plate);
        Assert.Equal(ConfirmedBy.Auto, rules.State.Selected.By);
    }
}
