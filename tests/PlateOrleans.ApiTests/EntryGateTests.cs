using System.Globalization;

namespace PlateOrleans.ApiTests;

/// <summary>
/// The gates of <c>POST /selections/{vin}</c> (API.md: office state, ownership, region, blacklist, eligibility): each one
/// answers its documented code and leaves the selection, the pool and the vehicle list as they were.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EntryGateTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task AStrangersVehicleIsNotOwnedAndTheStrangerChangesNothing()
    {
        var (owner, vin) = await Api.ApplicantAsync();
        var stranger = await Api.RegisterAsync(owner.OfficeCode);
        var before = await Api.SnapshotAsync(owner, vin);

        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsync(SelectionPath(vin), null));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsync(SelectionPath(vin, flow: "simulations"), null));

        Assert.Equal(before, await Api.SnapshotAsync(owner, vin));
        Assert.Equal(0, (await Expect(HttpStatusCode.OK, stranger.Client.GetAsync("/api/v1/me/vehicles"))).GetArrayLength());
    }

    [Fact]
    public async Task AStrangerCanNeitherEnterNorStepNorReadAnotherPersonsSelectionInProgress()
    {
        var (owner, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(owner, vin);
        var plates = await DrawAsync(owner, vin);
        var stranger = await Api.RegisterAsync(owner.OfficeCode);
        var before = await Api.SnapshotAsync(owner, vin);

        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsync(SelectionPath(vin), null));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.GetAsync(SelectionPath(vin)));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));

        Assert.Equal(before, await Api.SnapshotAsync(owner, vin));
    }

    [Theory]
    [InlineData("small", "fuel", "not_nev")]
    [InlineData("motorcycle", "pure", "plate_kind_not_allowed")]
    [InlineData("trailer", "nonPure", "plate_kind_not_allowed")]
    public async Task AVehicleThatIsNotASmallOrLargeNevIsNotEligibleAndSaysWhy(string plateKind, string energy, string reason)
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vin = await Api.ImportVehicleAsync(office, citizen, plateKind, energy);
        var listed = (await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me/vehicles")))[0];
        Assert.False(listed.GetProperty("eligible").GetBoolean());
        Assert.Equal(reason, listed.GetProperty("reason").GetString());
        var before = await Api.SnapshotAsync(citizen, vin);

        var problem = await ExpectProblem(HttpStatusCode.Conflict, "not_eligible", citizen.Client.PostAsync(SelectionPath(vin), null));
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        await ExpectProblem(HttpStatusCode.Conflict, "not_eligible", citizen.Client.PostAsync(SelectionPath(vin, flow: "simulations"), null));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Theory]
    [InlineData("newCarOwner")]
    [InlineData("learner")]
    [InlineData("unit")]
    public async Task NewCarOwnersLearnersAndUnitsMaySelectOnlyAtTheirRegistrationOffice(string userType)
    {
        var home = await Api.CreateOfficeAsync();
        var elsewhere = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(home, userType);
        var vin = await Api.ImportVehicleAsync(elsewhere, citizen);
        var before = await Api.SnapshotAsync(citizen, vin, elsewhere);

        await ExpectProblem(HttpStatusCode.Forbidden, "region_not_allowed", citizen.Client.PostAsync(SelectionPath(vin), null));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin, elsewhere));
        // At home the same user type selects as anyone does.
        var homeVin = await Api.ImportVehicleAsync(home, citizen);
        var entered = await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(homeVin), null));
        Assert.Equal("confirmInfo", entered.GetProperty("stage").GetString());
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("window")]
    public async Task OwnersAndWindowRegisteredUsersMaySelectAtAnotherOffice(string userType)
    {
        var home = await Api.CreateOfficeAsync();
        var elsewhere = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(home, userType);
        var vin = await Api.ImportVehicleAsync(elsewhere, citizen);

        var entered = await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));

        Assert.Equal("confirmInfo", entered.GetProperty("stage").GetString());
        Assert.Equal(elsewhere, entered.GetProperty("officeCode").GetString());
    }

    [Fact]
    public async Task AnOfficeThatTakesNoOneFromElsewhereRefusesOwnersOfOtherOffices()
    {
        var home = await Api.CreateOfficeAsync();
        var elsewhere = await Api.CreateOfficeAsync(crossRegion: false);
        var citizen = await Api.RegisterAsync(home, "owner");
        var vin = await Api.ImportVehicleAsync(elsewhere, citizen);
        var before = await Api.SnapshotAsync(citizen, vin, elsewhere);

        await ExpectProblem(HttpStatusCode.Forbidden, "region_not_allowed", citizen.Client.PostAsync(SelectionPath(vin), null));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin, elsewhere));
    }

    [Fact]
    public async Task ABlacklistedUserIsToldUntilWhenAndMayStillPractise()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var until = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(730).ToUnixTimeSeconds());
        await Api.BlacklistAsync(citizen.Username, until);
        var before = await Api.SnapshotAsync(citizen, vin);

        var problem = await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", citizen.Client.PostAsync(SelectionPath(vin), null));
        Assert.Equal(until, DateTimeOffset.Parse(problem.GetProperty("until").GetString()!, CultureInfo.InvariantCulture));
        var me = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));
        Assert.Equal(until, DateTimeOffset.Parse(me.GetProperty("blacklistedUntil").GetString()!, CultureInfo.InvariantCulture));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        // The simulation is open to blacklisted users (API.md, Simulation).
        await Api.WalkToDrawingAsync(citizen, vin, flow: "simulations");
        await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws", "simulations"), new { excludeFour = false }));
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ABlacklistThatHasEndedNoLongerKeepsTheUserOut()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.BlacklistAsync(citizen.Username, DateTimeOffset.UtcNow.AddMinutes(-1));

        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));

        var me = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("blacklistedUntil").ValueKind);
    }

    [Fact]
    public async Task AUserBlacklistedDuringASelectionCanGoNoFurther()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await Api.BlacklistAsync(citizen.Username, DateTimeOffset.UtcNow.AddDays(730));
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));
        await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task AnOfficeUnderMaintenanceTurnsEveryoneAwayAndNothingChanges()
    {
        var office = await Api.CreateOfficeAsync(maintenance: true);
        var (citizen, vin) = await Api.ApplicantAsync(office);
        var before = await Api.SnapshotAsync(citizen, vin);

        var response = await citizen.Client.PostAsync(SelectionPath(vin), null);
        await ExpectProblem(HttpStatusCode.ServiceUnavailable, "maintenance", Task.FromResult(response));
        Assert.NotNull(response.Headers.RetryAfter);
        await ExpectProblem(HttpStatusCode.ServiceUnavailable, "maintenance", citizen.Client.PostAsync(SelectionPath(vin, flow: "simulations"), null));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Equal("maintenance", (await Api.OfficeAsync(office)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task MaintenanceStopsASelectionInProgressWithoutSpendingADraw()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        await Api.UpdateOfficeAsync(citizen.OfficeCode, new { maintenance = true });
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.ServiceUnavailable, "maintenance", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        await Api.UpdateOfficeAsync(citizen.OfficeCode, new { maintenance = false });
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }))).GetProperty("remainingDraws").GetInt32());
    }

    [Fact]
    public async Task AnOfficeNotYetOpenSaysWhenItOpens()
    {
        var opensAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeSeconds());
        var office = await Api.CreateOfficeAsync(opensAt: opensAt);
        var (citizen, vin) = await Api.ApplicantAsync(office);
        var before = await Api.SnapshotAsync(citizen, vin);

        var problem = await ExpectProblem(HttpStatusCode.Conflict, "selection_closed", citizen.Client.PostAsync(SelectionPath(vin), null));

        Assert.Equal(opensAt, DateTimeOffset.Parse(problem.GetProperty("opensAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Equal("notYetOpen", (await Api.OfficeAsync(office)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task AnOfficeOutsideItsDailyHoursSaysWhenItOpensAgain()
    {
        var (from, to) = HoursAwayFromNow();
        var office = await Api.CreateOfficeAsync(hours: new { from, to });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        var before = await Api.SnapshotAsync(citizen, vin);

        var problem = await ExpectProblem(HttpStatusCode.Conflict, "selection_closed", citizen.Client.PostAsync(SelectionPath(vin), null));

        var opensAt = DateTimeOffset.Parse(problem.GetProperty("opensAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(opensAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal(from, opensAt.ToOffset(TimeSpan.FromHours(8)).ToString("HH:mm", CultureInfo.InvariantCulture));
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Equal("closed", (await Api.OfficeAsync(office)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task TheEntryChecksRunInTheDocumentedOrder()
    {
        // Office state before ownership: a stranger at an office under maintenance hears of the maintenance.
        var closedOffice = await Api.CreateOfficeAsync(maintenance: true);
        var (_, closedVin) = await Api.ApplicantAsync(closedOffice);
        var stranger = await Api.RegisterAsync(closedOffice);
        await ExpectProblem(HttpStatusCode.ServiceUnavailable, "maintenance", stranger.Client.PostAsync(SelectionPath(closedVin), null));

        // Ownership before eligibility: a stranger's fuel car is not the stranger's.
        var office = await Api.CreateOfficeAsync();
        var owner = await Api.RegisterAsync(office);
        var fuelVin = await Api.ImportVehicleAsync(office, owner, energy: "fuel");
        var other = await Api.RegisterAsync(office);
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", other.Client.PostAsync(SelectionPath(fuelVin), null));

        // Region before blacklist, blacklist before eligibility.
        var home = await Api.CreateOfficeAsync();
        var learner = await Api.RegisterAsync(home, "learner");
        await Api.BlacklistAsync(learner.Username, DateTimeOffset.UtcNow.AddDays(30));
        var awayVin = await Api.ImportVehicleAsync(office, learner, energy: "fuel");
        var homeFuelVin = await Api.ImportVehicleAsync(home, learner, energy: "fuel");
        await ExpectProblem(HttpStatusCode.Forbidden, "region_not_allowed", learner.Client.PostAsync(SelectionPath(awayVin), null));
        await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", learner.Client.PostAsync(SelectionPath(homeFuelVin), null));
    }

    [Fact]
    public async Task AnUnknownVinIsNotFound()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var vin = NewVin();

        await ExpectProblem(HttpStatusCode.NotFound, "not_found", citizen.Client.PostAsync(SelectionPath(vin), null));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", citizen.Client.GetAsync(SelectionPath(vin)));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", citizen.Client.PostAsync(SelectionPath(vin, flow: "simulations"), null));
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("LSVAU2180N21843211")]
    [InlineData("LSVAU2180N218432I")]
    [InlineData("LSVAU2180N218432O")]
    [InlineData("LSVAU2180N218432Q")]
    [InlineData("LSVAU2180N21843-1")]
    [InlineData("LSVAU2180N218432%E4%B8%AD")]
    public async Task AMalformedVinInThePathIsAValidationError(string vin)
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());

        await ExpectInvalid("vin", citizen.Client.PostAsync(SelectionPath(vin), null));
        await ExpectInvalid("vin", citizen.Client.GetAsync(SelectionPath(vin)));
        await ExpectInvalid("vin", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));
        await ExpectInvalid("vin", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = "冀AD00001" }));
        await ExpectInvalid("vin", citizen.Client.PostAsync(SelectionPath(vin, flow: "simulations"), null));
    }

    /// <summary>One hour of daily opening that starts at least five hours from now, local time (UTC+8).</summary>
    private static (string From, string To) HoursAwayFromNow()
    {
        var hour = (DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Hour + 6) % 24;
        return ($"{hour:00}:00", $"{hour + 1:00}:00");
    }
}
