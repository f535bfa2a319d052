namespace PlateOrleans.ApiTests;

/// <summary>
/// <c>GET /api/v1/admin/offices/{code}</c>: every setting as PUT takes them, so that a page can change one setting and
/// send the office back whole; for the admin and the office's own operators only.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OfficeSettingsReadTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task TheOfficesOperatorReadsEverySettingAndWhetherTheNoticeIsItsOwn()
    {
        var office = await Api.CreateOfficeAsync(rules: new { batchSeconds = 42, smsConfirmDelaySeconds = 0 });
        var staff = await Api.OperatorAsync(office);

        var details = await Expect(HttpStatusCode.OK, staff.GetAsync($"/api/v1/admin/offices/{office}"));

        Assert.Equal($"测试车管所{office}", details.GetProperty("name").GetString());
        Assert.Equal(42, details.GetProperty("rules").GetProperty("batchSeconds").GetInt32());
        Assert.Equal("main", details.GetProperty("locations")[0].GetProperty("id").GetString());
        Assert.False(details.GetProperty("customNotice").GetBoolean());
        Assert.Equal(await Api.NoticeVersionAsync(office), details.GetProperty("notice").GetProperty("version").GetString());

        await Api.UpdateOfficeAsync(office, new { notice = new { version = "own-1", text = "本所自定的业务须知。" } });
        var custom = await Expect(HttpStatusCode.OK, staff.GetAsync($"/api/v1/admin/offices/{office}"));
        Assert.True(custom.GetProperty("customNotice").GetBoolean());
        Assert.Equal("own-1", custom.GetProperty("notice").GetProperty("version").GetString());
    }

    [Fact]
    public async Task AnotherOfficesOperatorAndCitizensAreRefused()
    {
        var office = await Api.CreateOfficeAsync();
        var other = await Api.OperatorAsync(await Api.CreateOfficeAsync());
        var citizen = await Api.RegisterAsync(office);

        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", other.GetAsync($"/api/v1/admin/offices/{office}"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.GetAsync($"/api/v1/admin/offices/{office}"));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().GetAsync($"/api/v1/admin/offices/{office}"));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).GetAsync("/api/v1/admin/offices/139999"));
    }
}
