using PlateOrleans.Contracts;
using static PlateOrleans.ApiTests.Appointments;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Whole lives of a formal selection on a clock the test moves (days pass in an instant): confirmed, booked, moved,
/// reminded the day before the deadline and exchanged at the window; or confirmed, not exchanged, lapsed, the number
/// drawable again and the person blacklisted in every account until the blacklist ends by itself.
/// </summary>
public sealed class SelectionLifeTests(FakeClockApiFactory factory) : ApiTest<FakeClockApiFactory>(factory), IClassFixture<FakeClockApiFactory>
{
    private DateTimeOffset Now => Factory.Time.GetUtcNow();

    private static DateOnly ExchangeByOf(JsonElement view) =>
        DateOnly.Parse(view.GetProperty("selected").GetProperty("exchangeBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ConfirmedBookedMovedRemindedTheDayBeforeTheDeadlineAndExchangedAtTheWindow()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var client = confirmed.Citizen.Client;
        var today = Today(Now);
        var exchangeBy = ExchangeByOf(await ViewAsync(confirmed.Citizen, confirmed.Vin));
        Assert.Equal(today.AddDays(15), exchangeBy);
        var confirmation = (await TextsAsync(Api, confirmed.Citizen.Phone))[0];
        Assert.Contains(confirmed.Plate, confirmation, StringComparison.Ordinal);
        Assert.Contains($"{Text(exchangeBy)}（含当日）之前", confirmation, StringComparison.Ordinal);

        // Booked, then moved to the last day's afternoon: the first place is free again.
        await Expect(HttpStatusCode.Created, client.PostAsJsonAsync(Path(confirmed.Vin), Body(today.AddDays(3))));
        await Expect(HttpStatusCode.Created, client.PostAsJsonAsync(Path(confirmed.Vin), Body(exchangeBy, Afternoon)));
        Assert.Equal((0, 1), (await BookedAsync(Api, office, today.AddDays(3)), await BookedAsync(Api, office, exchangeBy, Afternoon)));

        // 09:00 Beijing time the day before the last day: the reminder goes out, once, whoever reads first.
        Factory.Time.SetUtcNow(new DateTimeOffset(exchangeBy.AddDays(-1).ToDateTime(new TimeOnly(9, 1)), OfficeCalendar.LocalOffset));
        await ViewAsync(confirmed.Citizen, confirmed.Vin);
        await ViewAsync(confirmed.Citizen, confirmed.Vin);
        var reminder = Assert.Single(await TextsAsync(Api, confirmed.Citizen.Phone), t => t.Contains("提醒", StringComparison.Ordinal));
        Assert.Contains($"{Text(exchangeBy)}（含当日）之前", reminder, StringComparison.Ordinal);
        Assert.Contains($"已预约 {Text(exchangeBy)} {Afternoon} 本所", reminder, StringComparison.Ordinal);

        // The day before the booked date: the booking no longer moves nor is cancelled.
        await ExpectProblem(HttpStatusCode.Conflict, "appointment_locked", client.PostAsJsonAsync(Path(confirmed.Vin), Body(exchangeBy)));
        await ExpectProblem(HttpStatusCode.Conflict, "appointment_locked", client.DeleteAsync(Path(confirmed.Vin)));
        Assert.Equal(1, await BookedAsync(Api, office, exchangeBy, Afternoon));

        // The last day, at the window, by the voucher's code.
        Factory.Time.SetUtcNow(new DateTimeOffset(exchangeBy.ToDateTime(new TimeOnly(14, 20)), OfficeCalendar.LocalOffset));
        var op = await Api.OperatorAsync(office);
        var exchanged = await Expect(HttpStatusCode.OK, op.PostAsJsonAsync($"/api/v1/admin/offices/{office}/exchanges", new { voucherCode = confirmed.Voucher }));
        Assert.Equal("exchanged", exchanged.GetProperty("stage").GetString());
        await ExpectProblem(HttpStatusCode.Conflict, "wrong_stage", client.PostAsJsonAsync(Path(confirmed.Vin), Body(exchangeBy)));
        await ExpectProblem(HttpStatusCode.Conflict, "wrong_stage", client.DeleteAsync(Path(confirmed.Vin)));
        var voucher = await Expect(HttpStatusCode.OK, op.SendAsync(new HttpRequestMessage(HttpMethod.Get, SelectionPath(confirmed.Vin, "voucher")) { Headers = { { "Accept", "application/json" } } }));
        Assert.Equal(("exchanged", Text(exchangeBy), Afternoon), (voucher.GetProperty("stage").GetString(),
            voucher.GetProperty("appointment").GetProperty("date").GetString(), voucher.GetProperty("appointment").GetProperty("slot").GetString()));

        // Past the deadline nothing lapses.
        Factory.Time.SetUtcNow(OfficeCalendar.EndOf(exchangeBy).AddDays(1));
        Assert.Equal("exchanged", (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("stage").GetString());
        Assert.DoesNotContain(await TextsAsync(Api, confirmed.Citizen.Phone), t => t.Contains("逾期未办理", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANumberNotExchangedIsDrawableAgainAndItsApplicantIsBlacklistedInEveryAccountUntilTheBlacklistEnds()
    {
        // Ten numbers: every draw shows all that are available. A blacklist of 30 days (rather than the 730 by default):
        // the silo's own clock is this test's, and two years in one jump sets off its timeouts for minutes.
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, blacklistDays = 30 }, smallDBlocks: ["D0000#"]);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var deadline = OfficeCalendar.EndOf(ExchangeByOf(await ViewAsync(confirmed.Citizen, confirmed.Vin)));

        Factory.Time.SetUtcNow(deadline.AddMinutes(1));

        Assert.Equal("lapsed", (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("stage").GetString());
        var until = deadline.AddDays(30);
        Assert.Contains($"{Text(OfficeCalendar.LocalDate(until))} 前您不能网上预选号牌", (await TextsAsync(Api, confirmed.Citizen.Phone))[0], StringComparison.Ordinal);
        var (other, otherVin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(other, otherVin);
        Assert.Contains(confirmed.Plate, await DrawAsync(other, otherVin));

        // The person's account is disabled and they register again with the same ID number: the blacklist is theirs.
        var admin = await Api.AdminAsync();
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{confirmed.Citizen.Username}/disabled", new { disabled = true }));
        var again = await Api.RegisterAsync(office, idNumber: confirmed.Citizen.IdNumber);
        Assert.Equal(until, (await Expect(HttpStatusCode.OK, again.Client.GetAsync("/api/v1/me"))).GetProperty("blacklistedUntil").GetDateTimeOffset());
        Assert.Equal(until, (await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", again.Client.PostAsync(SelectionPath(confirmed.Vin), null))).GetProperty("until").GetDateTimeOffset());
        await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", again.Client.PostAsync(SelectionPath(await Api.ImportVehicleAsync(office, again)), null));

        // When it ends, it has ended by itself: no one lifted it.
        Factory.Time.SetUtcNow(until.AddMinutes(1));
        Assert.Equal(JsonValueKind.Null, (await Expect(HttpStatusCode.OK, again.Client.GetAsync("/api/v1/me"))).GetProperty("blacklistedUntil").ValueKind);
        var fresh = await Expect(HttpStatusCode.OK, again.Client.PostAsync(SelectionPath(confirmed.Vin), null));
        Assert.Equal(("confirmInfo", 5), (fresh.GetProperty("stage").GetString(), fresh.GetProperty("remainingDraws").GetInt32()));
    }
}
