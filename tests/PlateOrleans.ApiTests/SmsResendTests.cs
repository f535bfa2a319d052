using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static PlateOrleans.Testing.ApiDriver;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Sending a second code: only after the office's cooldown (30 s at least), so these tests move a fake clock past it
/// instead of waiting.
/// </summary>
public sealed class SmsResendTests(FakeClockApiFactory factory) : IClassFixture<FakeClockApiFactory>
{
    private static readonly TimeSpan _cooldown = TimeSpan.FromSeconds(30);

    private readonly ApiDriver _api = new(factory);

    private async Task WalkToVerifyIdentityAsync(Citizen citizen, string vin)
    {
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        var version = (await _api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice")).GetProperty("version").GetString();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = version }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin, "start"), null));
    }

    private static string WrongCode(string code) => ((int.Parse(code, CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    [Fact]
    public async Task TooManyWrongCodesLockTheCodeUntilANewOneIsSent()
    {
        var office = await _api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, smsCooldownSeconds = 30, smsAttempts = 3 });
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await WalkToVerifyIdentityAsync(citizen, vin);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var code = await _api.LatestCodeAsync(citizen.Phone);
        for (var left = 2; left >= 0; left--)
        {
            var wrong = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));
            Assert.Equal(left, wrong.GetProperty("attemptsLeft").GetInt32());
        }

        var before = await _api.SnapshotAsync(citizen, vin);

        // Even the right code is refused now: guessing must not continue.
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_attempts_exceeded", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }));
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_attempts_exceeded", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = WrongCode(code) }));

        Assert.Equal(before, await _api.SnapshotAsync(citizen, vin));
        factory.Time.Advance(_cooldown);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var fresh = await _api.LatestCodeAsync(citizen.Phone);
        Assert.Equal("drawing", (await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = fresh }))).GetProperty("stage").GetString());
    }

    [Fact]
    public async Task TheDevOutboxListsTheNewestMessageFirst()
    {
        var office = await _api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, smsCooldownSeconds = 30 });
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await WalkToVerifyIdentityAsync(citizen, vin);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var older = await _api.LatestCodeAsync(citizen.Phone);
        await ExpectProblem(HttpStatusCode.TooManyRequests, "sms_cooldown", citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        factory.Time.Advance(_cooldown);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));

        var messages = await Expect(HttpStatusCode.OK, _api.Anonymous().GetAsync($"/api/v1/dev/sms?phone={citizen.Phone}"));

        Assert.Equal(2, messages.GetArrayLength());
        Assert.True(DateTimeOffset.Parse(messages[0].GetProperty("sentAt").GetString()!, CultureInfo.InvariantCulture)
            > DateTimeOffset.Parse(messages[1].GetProperty("sentAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Contains(older, messages[1].GetProperty("text").GetString());
        var newer = await _api.LatestCodeAsync(citizen.Phone);
        if (newer != older)
        {
            // Only the newest code counts once a new one was sent.
            await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = older }));
        }

        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = newer }));
    }
}
