using System.Globalization;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Every step out of its order answers its documented code and changes nothing: the stage machine, the batch and backup
/// rules, and the SMS verification rules.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StepOrderTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>Every step of the flow, with a body that would be right at its own stage (the plate is never drawn: outside D0####).</summary>
    private static readonly (string Step, object? Body)[] _steps =
    [
        ("info-confirmation", new { noticeVersion = "v0" }),
        ("start", null),
        ("sms-code", null),
        ("verification", new { code = "123456" }),
        ("draws", new { excludeFour = false }),
        ("backups", new { plate = "冀AD99999" }),
        ("confirmation", new { plate = "冀AD99999" }),
    ];

    /// <summary>Sends each of <paramref name="steps"/> and asserts wrong_stage naming <paramref name="stage"/>, with nothing changed.</summary>
    private async Task AssertWrongStage(Citizen citizen, string vin, string stage, params string[] steps)
    {
        var before = await Api.SnapshotAsync(citizen, vin);
        foreach (var step in steps)
        {
            var body = _steps.Single(s => s.Step == step).Body;
            var request = body is null ? citizen.Client.PostAsync(SelectionPath(vin, step), null) : citizen.Client.PostAsJsonAsync(SelectionPath(vin, step), body);
            var problem = await ExpectProblem(HttpStatusCode.Conflict, "wrong_stage", request);
            Assert.Equal(stage, problem.GetProperty("stage").GetString());
        }

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task EveryStepBeforeItsStageIsTheWrongStageAndChangesNothing()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var client = citizen.Client;

        await Expect(HttpStatusCode.OK, client.PostAsync(SelectionPath(vin), null));
        await AssertWrongStage(citizen, vin, "confirmInfo", "start", "sms-code", "verification", "draws", "backups", "confirmation");

        await Expect(HttpStatusCode.OK, client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = await Api.NoticeVersionAsync(citizen.OfficeCode) }));
        await AssertWrongStage(citizen, vin, "serviceInfo", "info-confirmation", "sms-code", "verification", "draws", "backups", "confirmation");

        await Expect(HttpStatusCode.OK, client.PostAsync(SelectionPath(vin, "start"), null));
        await AssertWrongStage(citizen, vin, "verifyIdentity", "info-confirmation", "start", "draws", "backups", "confirmation");

        await Expect(HttpStatusCode.Accepted, client.PostAsync(SelectionPath(vin, "sms-code"), null));
        await Expect(HttpStatusCode.OK, client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = await Api.LatestCodeAsync(citizen.Phone) }));
        await AssertWrongStage(citizen, vin, "drawing", "info-confirmation", "start", "sms-code", "verification");

        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await Expect(HttpStatusCode.OK, client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));
        await AssertWrongStage(citizen, vin, "completed", "info-confirmation", "start", "sms-code", "verification", "draws", "backups", "confirmation");
    }

    [Fact]
    public async Task StepsOfAVehicleThatNeverEnteredAreNotFoundAndStartNothing()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var before = await Api.SnapshotAsync(citizen, vin);

        foreach (var (step, body) in _steps)
        {
            var request = body is null ? citizen.Client.PostAsync(SelectionPath(vin, step), null) : citizen.Client.PostAsJsonAsync(SelectionPath(vin, step), body);
            await ExpectProblem(HttpStatusCode.NotFound, "not_found", request);
        }

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ANoticeVersionThatIsNoLongerCurrentIsRefusedAndTheInformationStaysUnconfirmed()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        var read = await Api.NoticeVersionAsync(citizen.OfficeCode);
        // The office changes its rules while the applicant reads: the notice, written from the rules, changes version.
        await Api.UpdateOfficeAsync(citizen.OfficeCode, new { rules = new { smsConfirmDelaySeconds = 0, validityDays = 7 } });
        var current = await Api.NoticeVersionAsync(citizen.OfficeCode);
        Assert.NotEqual(read, current);
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectInvalid("noticeVersion", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = read }));
        await ExpectInvalid("noticeVersion", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = "v-made-up" }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        var confirmed = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = current }));
        Assert.Equal("serviceInfo", confirmed.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task DrawingAfterTheLastDrawIsExhaustedWithTheAutoConfirmMomentAndSpendsNothing()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, drawsPerVehicle = 2 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        await DrawAsync(citizen, vin);
        await DrawAsync(citizen, vin);
        var view = await ViewAsync(citizen, vin);
        Assert.Equal(0, view.GetProperty("remainingDraws").GetInt32());
        var before = await Api.SnapshotAsync(citizen, vin);

        var problem = await ExpectProblem(HttpStatusCode.Conflict, "draws_exhausted", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = true }));

        var autoConfirmAt = DateTimeOffset.Parse(problem.GetProperty("autoConfirmAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(DateTimeOffset.Parse(view.GetProperty("batch").GetProperty("expiresAt").GetString()!, CultureInfo.InvariantCulture), autoConfirmAt);
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task AnEmptyPoolRefusesTheDrawWithoutSpendingIt()
    {
        // The test office publishes large NEV numbers for pure electric cars only: a large plug-in hybrid finds none.
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vin = await Api.ImportVehicleAsync(office, citizen, "large", "nonPure");
        await Api.WalkToDrawingAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "pool_empty", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Equal(5, (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32());
    }

    [Fact]
    public async Task ABackupFromAnEarlierBatchOrFromNoBatchIsNotInTheBatch()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var before0 = await Api.SnapshotAsync(citizen, vin);
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_batch", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = "冀AD00001" }));
        Assert.Equal(before0, await Api.SnapshotAsync(citizen, vin));

        var first = await DrawAsync(citizen, vin);
        var second = await DrawAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);

        // A number of the first batch that the second did not happen to draw again.
        var old = first.First(p => !second.Contains(p));
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_batch", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = old }));
        // Well-formed numbers never drawn: outside the published block, and of another office.
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_batch", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = "冀AD99999" }));
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_batch", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = "京AD00001" }));
        // Not a plate number at all.
        await ExpectInvalid("plate", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = "冀AD0000I" }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task OnlyOneBackupMayBeTakenFromABatch()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[3] }));
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "backup_already_taken", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[4] }));
        await ExpectProblem(HttpStatusCode.Conflict, "backup_already_taken", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[3] }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        // A new batch allows a new backup.
        var next = await DrawAsync(citizen, vin);
        var view = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = next[0] }));
        Assert.Equal([plates[3], next[0]], view.GetProperty("backups").GetProperty("plates").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task ABackupAfterTheBatchCountdownIsExpiredAndTheNumbersGoBackToThePool()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, batchSeconds = 1 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await EventuallyAsync(async () => (await ViewAsync(citizen, vin)).GetProperty("batch").ValueKind == JsonValueKind.Null, "the batch lapses");
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "batch_expired", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        var pool = await Api.PoolAsync(office);
        Assert.Equal(0, pool.GetProperty("series")[0].GetProperty("held").GetInt32());
        Assert.Equal(4, (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32());
    }

    [Fact]
    public async Task ConfirmingANumberThatIsNotABackupIsRefused()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_backups", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[1] }));
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_backups", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = "冀AD99999" }));
        await ExpectInvalid("plate", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = "冀AD1234" }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ConfirmingAfterTheBackupCountdownIsExpiredAndReservesNothing()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, backupSeconds = 1 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await EventuallyAsync(async () => (await ViewAsync(citizen, vin)).GetProperty("backups").ValueKind == JsonValueKind.Null, "the backups lapse");
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "backup_expired", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Equal(0, (await Api.PoolAsync(office)).GetProperty("series")[0].GetProperty("reserved").GetInt32());
    }

    /// <summary>Enters, confirms the information and starts: the selection waits for identity verification.</summary>

    private static string WrongCode(string code) => ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    [Fact]
    public async Task VerifyingBeforeTheConfirmCountdownEndsIsTooEarlyAndCostsNoAttempt()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 60 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToVerifyIdentityAsync(citizen, vin);
        var sent = await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var enabledAt = DateTimeOffset.Parse(sent.GetProperty("confirmEnabledAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.InRange(enabledAt - DateTimeOffset.Parse(sent.GetProperty("serverTime").GetString()!, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(61));
        var code = await Api.LatestCodeAsync(citizen.Phone);
        var before = await Api.SnapshotAsync(citizen, vin);

        var response = await citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code });
        await ExpectProblem((HttpStatusCode)425, "sms_too_early", Task.FromResult(response));
        Assert.NotNull(response.Headers.RetryAfter);
        await ExpectProblem((HttpStatusCode)425, "sms_too_early", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task AWrongCodeSaysHowManyAttemptsAreLeftAndTheRightOneStillVerifies()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToVerifyIdentityAsync(citizen, vin);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var code = await Api.LatestCodeAsync(citizen.Phone);
        var before = await Api.SnapshotAsync(citizen, vin);

        var first = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));
        var second = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));
        // A code that is not six digits is a malformed request: it costs no attempt.
        await ExpectInvalid("code", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = "12345" }));
        var third = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));

        Assert.Equal([4, 3, 2], new[] { first, second, third }.Select(p => p.GetProperty("attemptsLeft").GetInt32()));
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        var verified = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }));
        Assert.Equal("drawing", verified.GetProperty("stage").GetString());
    }

    [Fact]
    public async Task VerifyingWithoutACodeSentIsExpired()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToVerifyIdentityAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Gone, "sms_code_expired", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = "123456" }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ACodeThatVerifiedOnceCannotBeReplayedAfterReEntry()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var used = await Api.LatestCodeAsync(citizen.Phone);
        var reentered = await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        Assert.Equal("serviceInfo", reentered.GetProperty("stage").GetString());
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin, "start"), null));
        var before = await Api.SnapshotAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Gone, "sms_code_expired", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = used }));

        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ResendingWithinTheCooldownSaysWhenToRetryAndSendsNothing()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToVerifyIdentityAsync(citizen, vin);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var before = await Api.SnapshotAsync(citizen, vin);

        var response = await citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null);
        var problem = await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_cooldown", Task.FromResult(response));

        Assert.InRange(problem.GetProperty("retryAfter").GetInt32(), 1, 60);
        Assert.Equal(TimeSpan.FromSeconds(problem.GetProperty("retryAfter").GetInt32()), response.Headers.RetryAfter?.Delta);
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        Assert.Single(await Api.Anonymous().GetFromJsonAsync<JsonElement[]>($"/api/v1/dev/sms?phone={citizen.Phone}") ?? []);
    }
}
