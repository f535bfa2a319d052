using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PlateOrleans.ApiTests;

/// <summary>At the window: the exchange of a pre-selected plate, by its number or by the voucher's code.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExchangeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task TheWindowExchangesAConfirmedPlateByItsNumberAndItIsIssuedForGood()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var op = await Api.OperatorAsync(confirmed.Office);

        var view = await Expect(HttpStatusCode.OK, op.PostAsJsonAsync(Exchanges(confirmed.Office), new { plate = confirmed.Plate }));

        Assert.Equal("exchanged", view.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.String, view.GetProperty("selected").GetProperty("exchangedAt").ValueKind);
        Assert.Equal("exchanged", (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("stage").GetString());
        var series = (await Api.PoolAsync(confirmed.Office)).GetProperty("series")[0];
        Assert.Equal((0, 1), (series.GetProperty("reserved").GetInt32(), series.GetProperty("issued").GetInt32()));
        var assignment = Assert.Single((await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/offices/{confirmed.Office}/assignments"))).EnumerateArray());
        Assert.Equal(JsonValueKind.String, assignment.GetProperty("exchangedAt").ValueKind);
        var trail = await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/audit?vin={confirmed.Vin}"));
        Assert.Equal(["draw", "backup", "confirmation", "exchange"], trail.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(confirmed.Plate, trail[3].GetProperty("plates")[0].GetString());

        // The window's retry (a double click) answers the same and writes nothing more.
        var again = await Expect(HttpStatusCode.OK, op.PostAsJsonAsync(Exchanges(confirmed.Office), new { plate = confirmed.Plate }));
        Assert.Equal(view.GetProperty("selected").GetRawText(), again.GetProperty("selected").GetRawText());
        Assert.Equal(4, (await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/audit?vin={confirmed.Vin}"))).GetArrayLength());
    }

    [Fact]
    public async Task TheWindowFindsTheNumberByTheVoucherCodeOfItsOwnOfficeOnly()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var elsewhere = await Api.CreateOfficeAsync();

        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).PostAsJsonAsync(Exchanges(elsewhere), new { voucherCode = confirmed.Voucher }));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).PostAsJsonAsync(Exchanges(confirmed.Office), new { plate = confirmed.Plate, voucherCode = "ABCDEFGHJKLM" }));
        var view = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync(Exchanges(confirmed.Office), new { voucherCode = confirmed.Voucher }));

        Assert.Equal("exchanged", view.GetProperty("stage").GetString());
        Assert.Equal(confirmed.Plate, view.GetProperty("selected").GetProperty("plate").GetString());
    }

    [Fact]
    public async Task WhatTheWindowCannotExchangeIsRefusedWithItsCodeAndChangesNothing()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var op = await Api.OperatorAsync(confirmed.Office);
        var path = Exchanges(confirmed.Office);
        // Another applicant of the office with a batch on show: numbers in a batch are in no ledger.
        var (citizen, vin) = await Api.ApplicantAsync(confirmed.Office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var shown = await DrawAsync(citizen, vin);
        var before = await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin);

        await ExpectInvalid("plate", op.PostAsJsonAsync(path, new { }));
        await ExpectInvalid("plate", op.PostAsJsonAsync(path, new { plate = "冀AD1234" }));
        await ExpectInvalid("voucherCode", op.PostAsJsonAsync(path, new { voucherCode = "short" }));
        await ExpectInvalid("plate", op.SendAsync(Raw(HttpMethod.Post, path, "{\"plate\":")));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", op.PostAsJsonAsync(path, new { plate = "冀AD99999" }));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).PostAsJsonAsync("/api/v1/admin/offices/139999/exchanges", new { plate = confirmed.Plate }));
        var stranger = await Api.OperatorAsync(await Api.CreateOfficeAsync());
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", stranger.PostAsJsonAsync(path, new { plate = confirmed.Plate }));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", confirmed.Citizen.Client.PostAsJsonAsync(path, new { plate = confirmed.Plate }));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().PostAsJsonAsync(path, new { plate = confirmed.Plate }));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", op.PostAsJsonAsync(path, new { plate = shown[0] }));

        Assert.Equal(before, await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin));
    }

    private static string Exchanges(string office) => $"/api/v1/admin/offices/{office}/exchanges";
}

/// <summary>A citizen whose selection is completed: the confirmed plate and its voucher code.</summary>
internal sealed record Confirmed(Citizen Citizen, string Vin, string Office, string Plate, string Voucher)
{
    public static async Task<Confirmed> WalkAsync(ApiDriver api, string? office = null)
    {
        office ??= await api.CreateOfficeAsync();
        var (citizen, vin) = await api.ApplicantAsync(office);
        await api.WalkToDrawingAsync(citizen, vin);
        var plate = (await DrawAsync(citizen, vin))[4];
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate }));
        var view = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate }));
        return new Confirmed(citizen, vin, office, plate, view.GetProperty("selected").GetProperty("voucherCode").GetString()!);
    }
}

/// <summary>The API on a clock the test moves: days pass in an instant.</summary>
public sealed class FakeClockApiFactory : ApiFactory
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}

/// <summary>The exchange deadline: a number not exchanged by the end of its day goes back, and its applicant is blacklisted.</summary>
public sealed class ExchangeDeadlineTests(FakeClockApiFactory factory) : ApiTest<FakeClockApiFactory>(factory), IClassFixture<FakeClockApiFactory>
{
    [Fact]
    public async Task ANumberNotExchangedInTimeGoesBackToThePoolAndItsApplicantIsBlacklistedUntilAnAdminLiftsIt()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var exchangeBy = DateOnly.Parse((await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected").GetProperty("exchangeBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        Factory.Time.Advance(TimeSpan.FromDays(16));

        // Whoever looks first sees it lapsed: the selection, the pool, the account, the trail.
        Assert.Equal("lapsed", (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("stage").GetString());
        var series = (await Api.PoolAsync(confirmed.Office)).GetProperty("series")[0];
        Assert.Equal((0, 10_000), (series.GetProperty("reserved").GetInt32(), series.GetProperty("available").GetInt32()));
        var me = await Expect(HttpStatusCode.OK, confirmed.Citizen.Client.GetAsync("/api/v1/me"));
        var deadline = new DateTimeOffset(exchangeBy.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        Assert.Equal(deadline.AddDays(730), me.GetProperty("blacklistedUntil").GetDateTimeOffset());
        var admin = await Api.AdminAsync();
        var trail = await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/admin/audit?vin={confirmed.Vin}"));
        Assert.Equal("release", trail.EnumerateArray().Last().GetProperty("kind").GetString());
        Assert.Empty((await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/admin/offices/{confirmed.Office}/assignments"))).EnumerateArray());
        // Released, the voucher no longer names a number at the window.
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", admin.PostAsJsonAsync($"/api/v1/admin/offices/{confirmed.Office}/exchanges", new { voucherCode = confirmed.Voucher }));
        var blacklisted = await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", confirmed.Citizen.Client.PostAsync(SelectionPath(confirmed.Vin), null));
        Assert.Equal(deadline.AddDays(730), blacklisted.GetProperty("until").GetDateTimeOffset());

        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/admin/blacklist/{confirmed.Citizen.Username}"));

        var fresh = await Expect(HttpStatusCode.OK, confirmed.Citizen.Client.PostAsync(SelectionPath(confirmed.Vin), null));
        Assert.Equal("confirmInfo", fresh.GetProperty("stage").GetString());
        Assert.Equal(5, fresh.GetProperty("remainingDraws").GetInt32());
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", admin.DeleteAsync("/api/v1/admin/blacklist/nobody-at-all"));
    }
}
