using PlateOrleans.Contracts;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>Entering a selection: the gates in API.md's order, and the seed's re-entry routing.</summary>
public sealed class EntryTests
{
    [Fact]
    public void NewVehicleEntersAtConfirmInfoWithAllDrawsLeft()
    {
        var world = new SelectionWorld();

        var view = Succeeds(world.Enter());

        Assert.Equal(SelectionStage.ConfirmInfo, view.Stage);
        Assert.Equal(5, view.DrawsAllowed);
        Assert.Equal(5, view.RemainingDraws);
        Assert.False(view.Simulation);
        Assert.Null(view.Batch);
        Assert.Equal(world.Time.GetUtcNow(), view.ServerTime);
    }

    [Fact]
    public void OfficeUnderMaintenanceSaysSoAndDoesNothing()
    {
        var world = new SelectionWorld();
        world.Office = world.Office with { Settings = world.Office.Settings with { Maintenance = true } };

        Fails(world.Enter(), ErrorCodes.Maintenance);
        Assert.Null(world.State.Stage);
    }

    [Fact]
    public void OfficeNotYetOpenAnswersSelectionClosedWithTheOpeningMoment()
    {
        var world = new SelectionWorld();
        var opening = Start.AddDays(2);
        world.Office = world.Office with { Settings = world.Office.Settings with { OpensAt = opening } };

        var error = Fails(world.Enter(), ErrorCodes.SelectionClosed);

        Assert.Equal(opening, error.OpensAt);
    }

    [Fact]
    public void OutsideDailyHoursAnswersSelectionClosedWithTheNextLocalOpening()
    {
        var world = new SelectionWorld();
        world.Time.SetUtcNow(new DateTimeOffset(2026, 11, 25, 13, 30, 0, TimeSpan.Zero)); // 21:30 in Shijiazhuang

        var error = Fails(world.Enter(), ErrorCodes.SelectionClosed);

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.FromHours(8)), error.OpensAt);
    }

    [Fact]
    public void StrangersVehicleIsNotOwned()
    {
        var world = new SelectionWorld();
        world.Applicant = world.Applicant with { IdNumber = StrangerId };

        Fails(world.Enter(), ErrorCodes.NotOwner);
        Assert.Null(world.State.Stage);
    }

    [Theory]
    [InlineData(UserType.NewCarOwner)]
    [InlineData(UserType.Learner)]
    [InlineData(UserType.Unit)]
    public void UsersBoundToTheirRegistrationOfficeMayNotSelectElsewhere(UserType type)
    {
        var world = new SelectionWorld();
        world.Applicant = world.Applicant with { UserType = type, OfficeCode = "440300" };

        Fails(world.Enter(), ErrorCodes.RegionNotAllowed);
    }

    [Theory]
    [InlineData(UserType.Owner)]
    [InlineData(UserType.Window)]
    public void OwnersAndWindowUsersMaySelectAtAnotherOffice(UserType type)
    {
        var world = new SelectionWorld();
        world.Applicant = world.Applicant with { UserType = type, OfficeCode = "440300" };

        Succeeds(world.Enter());
    }

    [Fact]
    public void AnOfficeWithoutCrossRegionServiceRefusesOwnersFromElsewhere()
    {
        var world = new SelectionWorld();
        world.Office = world.Office with { Settings = world.Office.Settings with { CrossRegion = false } };
        world.Applicant = world.Applicant with { OfficeCode = "440300" };

        Fails(world.Enter(), ErrorCodes.RegionNotAllowed);
    }

    [Fact]
    public void BlacklistedUserIsRefusedAndToldUntilWhen()
    {
        var world = new SelectionWorld();
        var until = Start.AddDays(300);
        world.BlacklistedUntil = until;

        var error = Fails(world.Enter(), ErrorCodes.Blacklisted);

        Assert.Equal(until, error.Until);
    }

    [Fact]
    public void BlacklistLiftsItselfWhenItsTimeIsOver()
    {
        var world = new SelectionWorld();
        world.BlacklistedUntil = Start.AddMinutes(-1);

        Succeeds(world.Enter());
    }

    [Theory]
    [InlineData(PlateKind.Small, EnergyKind.Fuel, "not_nev")]
    [InlineData(PlateKind.Motorcycle, EnergyKind.Pure, "plate_kind_not_allowed")]
    [InlineData(PlateKind.Trailer, EnergyKind.NonPure, "plate_kind_not_allowed")]
    public void OnlySmallAndLargeNevsAreEligible(PlateKind kind, EnergyKind energy, string reason)
    {
        var world = new SelectionWorld();
        world.Vehicle = world.Vehicle with { PlateKind = kind, Energy = energy };

        var error = Fails(world.Enter(), ErrorCodes.NotEligible);

        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void ChecksComeInTheDocumentedOrder()
    {
        var world = new SelectionWorld();
        world.Vehicle = world.Vehicle with { Energy = EnergyKind.Fuel };
        world.BlacklistedUntil = Start.AddDays(1);
        world.Applicant = world.Applicant with { UserType = UserType.Learner, OfficeCode = "440300", IdNumber = StrangerId };
        world.Office = world.Office with { Settings = world.Office.Settings with { Maintenance = true } };

        Fails(world.Enter(), ErrorCodes.Maintenance);
        world.Office = world.Office with { Settings = world.Office.Settings with { Maintenance = false } };
        Fails(world.Enter(), ErrorCodes.NotOwner);
        world.Applicant = world.Applicant with { IdNumber = OwnerId };
        Fails(world.Enter(), ErrorCodes.RegionNotAllowed);
        world.Applicant = world.Applicant with { OfficeCode = OfficeCode };
        Fails(world.Enter(), ErrorCodes.Blacklisted);
        world.BlacklistedUntil = null;
        Fails(world.Enter(), ErrorCodes.NotEligible);
    }

    [Fact]
    public void ReEnteringBeforeConfirmingInformationStaysThere()
    {
        var world = new SelectionWorld();
        Succeeds(world.Enter());

        Assert.Equal(SelectionStage.ConfirmInfo, Succeeds(world.Enter()).Stage);
    }

    [Fact]
    public async Task ReEnteringAnUnfinishedSelectionWithDrawsLeftReturnsToTheServiceExplanationAndAsksForVerificationAgain()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();
        await world.DrawAsync();

        var view = Succeeds(world.Enter());

        Assert.Equal(SelectionStage.ServiceInfo, view.Stage);
        Assert.Equal(4, view.RemainingDraws);
        Fails(await world.Rules.Drawing.DrawAsync(false), ErrorCodes.WrongStage);
        Succeeds(world.Rules.Entry.Start());
        world.Time.Advance(TimeSpan.FromSeconds(world.State.Rules.SmsCooldownSeconds));
        world.VerifyWithSentCode(world.Rules);
        Assert.Equal(3, (await world.DrawAsync()).RemainingDraws);
    }

    [Fact]
    public async Task ReEnteringWithNoDrawsLeftIsToldSoWithTheAutoConfirmMoment()
    {
        var world = new SelectionWorld(OfficeRules.Default with { DrawsPerVehicle = 1 });
        world.EnterAndVerify();
        var last = await world.DrawAsync();

        var error = Fails(world.Enter(), ErrorCodes.DrawsExhausted);

        Assert.Equal(last.Batch!.ExpiresAt, error.AutoConfirmAt);
    }

    [Fact]
    public async Task ReEnteringAFinishedSelectionAlwaysShowsTheDonePage()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();
        var plate = (await world.DrawAsync()).Batch!.Plates[0];
        Succeeds(await world.Rules.Drawing.AddBackupAsync(plate));
        Succeeds(await world.Rules.Completion.ConfirmAsync(plate));
        world.Time.Advance(TimeSpan.FromDays(3));

        var view = Succeeds(world.Enter());

        Assert.Equal(SelectionStage.Completed, view.Stage);
        Assert.Equal(plate, view.Selected!.Plate);
    }

    [Fact]
    public void PhaseOneStepsMustComeInOrder()
    {
        var world = new SelectionWorld();
        Succeeds(world.Enter());

        Fails(world.Rules.Entry.Start(), ErrorCodes.WrongStage);
        Fails(world.Rules.Sms.SendSmsCode(), ErrorCodes.WrongStage);
        Fails(world.Rules.Entry.ConfirmInfo("v0", world.Office), ErrorCodes.ValidationFailed);
        var view = Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));

        Assert.Equal(SelectionStage.ServiceInfo, view.Stage);
        Assert.Equal("v1", world.State.NoticeVersion);
        Assert.Equal(world.Time.GetUtcNow(), world.State.NoticeAcceptedAt);
        Fails(world.Rules.Entry.ConfirmInfo("v1", world.Office), ErrorCodes.WrongStage);
        Assert.Equal(SelectionStage.VerifyIdentity, Succeeds(world.Rules.Entry.Start()).Stage);
    }

    [Fact]
    public void TheRulesOfASelectionAreThoseOfTheNoticeItsApplicantAccepted()
    {
        var world = new SelectionWorld();
        Succeeds(world.Enter());
        world.Office = world.Office with { Settings = world.Office.Settings with { Rules = OfficeRules.Default with { DrawsPerVehicle = 3 } } };

        var view = Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));

        Assert.Equal(3, view.DrawsAllowed);
        world.Office = world.Office with { Settings = world.Office.Settings with { Rules = OfficeRules.Default with { DrawsPerVehicle = 7 } } };
        Assert.Equal(3, Succeeds(world.Enter()).DrawsAllowed);
    }

    [Fact]
    public void WhenTheVehicleChangesHandsTheSelectionFollowsIt()
    {
        var world = new SelectionWorld();
        world.EnterAndVerify();

        world.Rules.Entry.VehicleChanged(world.Vehicle with { OwnerIdNumber = StrangerId, OwnerPhone = "13900000009" });

        Assert.Equal(SelectionStage.ServiceInfo, world.State.Stage);
        Assert.Equal(ErrorCodes.NotOwner, world.Rules.Entry.CheckActor(world.Owner)?.Code);
        Assert.Null(world.Rules.Entry.CheckActor(world.Owner with { IdNumber = StrangerId }));
    }
}
