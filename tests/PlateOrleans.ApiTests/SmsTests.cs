using System.Globalization;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Verification codes on a clock the tests move: resending after the cooldown, the attempts per code, and the caps that
/// bound how often anyone can guess (a minimum cooldown whatever the office set, a number of codes per phone per day).
/// </summary>
public sealed class SmsTests(FakeClockApiFactory factory) : ApiTest<FakeClockApiFactory>(factory), IClassFixture<FakeClockApiFactory>
{
    private async Task<(Citizen Citizen, string Vin)> AtVerifyIdentityAsync(string office)
    {
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToVerifyIdentityAsync(citizen, vin);
        return (citizen, vin);
    }

    private static string WrongCode(string code) => ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    [Fact]
    public async Task TheDevOutboxListsTheNewestMessageFirstAndOnlyTheNewestCodeCounts()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, smsCooldownSeconds = 30 });
        var (citizen, vin) = await AtVerifyIdentityAsync(office);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var older = await Api.LatestCodeAsync(citizen.Phone);
        Factory.Time.Advance(TimeSpan.FromSeconds(30));
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));

        var messages = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/dev/sms?phone={citizen.Phone}"));

        Assert.Equal(2, messages.GetArrayLength());
        Assert.True(DateTimeOffset.Parse(messages[0].GetProperty("sentAt").GetString()!, CultureInfo.InvariantCulture)
            > DateTimeOffset.Parse(messages[1].GetProperty("sentAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Contains(older, messages[1].GetProperty("text").GetString());
        var newer = await Api.LatestCodeAsync(citizen.Phone);
        if (newer != older)
        {
            await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = older }));
        }

        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = newer }));
    }

    [Fact]
    public async Task TooManyWrongCodesLockTheCodeUntilANewOneIsSentAfterTheCooldown()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, smsCooldownSeconds = 30, smsAttempts = 3 });
        var (citizen, vin) = await AtVerifyIdentityAsync(office);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var code = await Api.LatestCodeAsync(citizen.Phone);
        for (var left = 2; left >= 0; left--)
        {
            var wrong = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));
            Assert.Equal(left, wrong.GetProperty("attemptsLeft").GetInt32());
        }

        var before = await Api.SnapshotAsync(citizen, vin);

        // Even the right code is refused now: guessing must not continue, and a new code waits for the cooldown.
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_attempts_exceeded", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }));
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_cooldown", citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));

        Factory.Time.Advance(TimeSpan.FromSeconds(30));
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var fresh = await Api.LatestCodeAsync(citizen.Phone);
        Assert.Equal("drawing", (await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = fresh }))).GetProperty("stage").GetString());
    }

    [Fact]
    public async Task APhoneGetsTenCodesADayWhateverVehiclesAsk()
    {
        // Ten codes 31 s apart within one Beijing day: past the next midnight first when it is under ten minutes away.
        var beijing = Factory.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var untilMidnight = beijing.Date.AddDays(1) - beijing.DateTime;
        if (untilMidnight < TimeSpan.FromMinutes(10))
        {
            Factory.Time.Advance(untilMidnight + TimeSpan.FromMinutes(1));
        }

        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, smsCooldownSeconds = 30 });
        var (citizen, vin) = await AtVerifyIdentityAsync(office);
        for (var i = 0; i < 10; i++)
        {
            await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
            Factory.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var capped = await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_cooldown", citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        Assert.True(capped.GetProperty("retryAfter").GetInt32() > 30);

        // A second vehicle of the same owner has the same phone on record: the cap is the phone's, not the vehicle's.
        var second = await Api.ImportVehicleAsync(office, citizen);
        await Api.WalkToVerifyIdentityAsync(citizen, second);
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_cooldown", citizen.Client.PostAsync(SelectionPath(second, "sms-code"), null));
        Assert.Equal(10, (await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/dev/sms?phone={citizen.Phone}"))).GetArrayLength());

        // A new day (Beijing time) brings new codes.
        Factory.Time.Advance(TimeSpan.FromDays(1));
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
    }

    [Fact]
    public async Task AVerificationSentAtTheAnnouncedMomentIsNeverTooEarly()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 5, smsCooldownSeconds = 30 });
        var (citizen, vin) = await AtVerifyIdentityAsync(office);
        Factory.Time.Advance(TimeSpan.FromTicks(1234)); // a moment that is not a whole millisecond
        var sent = await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var announced = DateTimeOffset.Parse(sent.GetProperty("confirmEnabledAt").GetString()!, CultureInfo.InvariantCulture);
        var code = await Api.LatestCodeAsync(citizen.Phone);

        Factory.Time.SetUtcNow(announced.AddTicks(-1));
        await ExpectProblem((HttpStatusCode)425, "sms_too_early", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }));
        Factory.Time.SetUtcNow(announced);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }));
    }
}
