namespace PlateOrleans.BrowserTests;

/// <summary>The operators' page in Chromium, on a desktop screen.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OperatorPageTests(BrowserFixture fixture)
{
    private const string OperatorPassword = "Operator-Passw0rd";
    private readonly ApiDriver _api = fixture.Driver;

    [SkippableFact]
    public async Task AnOperatorPublishesAPoolImportsVehiclesAndRecordsAnExchange()
    {
        var office = await _api.CreateOfficeAsync();
        var username = await OperatorOfAsync(office);
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await _api.WalkToDrawingAsync(citizen, vin);
        var plate = (await DrawAsync(citizen, vin))[0];
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/backups", new { plate }));
        var done = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/confirmation", new { plate }));
        var voucherCode = done.GetProperty("selected").GetProperty("voucherCode").GetString()!;

        await using var b = await BrowserSession.OpenAsync(fixture, phone: false);
        var page = b.Page;
        await b.SignInAsync(username, OperatorPassword);
        await Assertions.Expect(b.Heading("车管所业务管理")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ops-settings")).ToContainTextAsync("维护开关");
        await b.ShotAsync("operator");

        // Publish: a large-NEV series added to what the office had.
        var pool = page.Locator("#ops-pool");
        await Assertions.Expect(pool.Locator("tbody tr")).ToHaveCountAsync(3);
        await pool.GetByRole(AriaRole.Button, new() { Name = "添加系列" }).ClickAsync();
        var row = pool.Locator("tbody tr").Last;
        await row.GetByLabel("号牌种类").SelectOptionAsync("large");
        await row.GetByLabel("能源字母").FillAsync("F");
        await row.GetByLabel("号段（空格分隔，如 D0#### DA####）").FillAsync("12###F");
        await pool.GetByRole(AriaRole.Button, new() { Name = "发布号池" }).ClickAsync();
        await Assertions.Expect(pool.GetByRole(AriaRole.Status)).ToContainTextAsync("号池已发布");
        await b.ShotAsync("pool-published");
        var published = await _api.PoolAsync(office);
        var largeF = published.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("plateKind").GetString() == "large" && s.GetProperty("energyLetter").GetString() == "F");
        Assert.Equal(1000, largeF.GetProperty("total").GetInt32());

        // Import: a CSV file of two vehicles, one of them wrong; the wrong one is named by its line.
        var goodVin = NewVin();
        var csv = "vin,currentPlate,plateKind,energy,ownerIdNumber,ownerPhone\n"
            + $"{goodVin},冀A54321,small,pure,{citizen.IdNumber},{citizen.Phone}\n"
            + $"NOT-A-VIN,冀A65432,small,pure,{citizen.IdNumber},\n";
        await page.GetByLabel("CSV 文件").SetInputFilesAsync(new FilePayload { Name = "vehicles.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await page.Locator("#ops-import").GetByRole(AriaRole.Button, new() { Name = "导入" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ops-import").GetByRole(AriaRole.Status)).ToHaveTextAsync("已导入 1 辆，拒绝 1 行。");
        await Assertions.Expect(page.Locator("#ops-import table.rejections tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#ops-import table.rejections tbody tr td").First).ToHaveTextAsync("3");
        await b.ShotAsync("import");

        // Exchange at the window by the voucher's code.
        var exchange = page.Locator("#ops-exchange");
        await exchange.GetByLabel("凭证验证码或号牌号码").FillAsync(voucherCode);
        await exchange.GetByRole(AriaRole.Button, new() { Name = "办理换牌" }).ClickAsync();
        await Assertions.Expect(exchange.GetByRole(AriaRole.Status)).ToContainTextAsync("已换牌");
        await b.ShotAsync("exchanged");
        Assert.Equal("exchanged", (await ViewAsync(citizen, vin)).GetProperty("stage").GetString());

        // The trail of the vehicle and the office's assignments show it.
        await page.Locator("#ops-audit").GetByLabel("车辆识别代号").FillAsync(vin);
        await page.Locator("#ops-audit").GetByRole(AriaRole.Button, new() { Name = "查询" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ops-audit tbody")).ToContainTextAsync("换牌");
        await page.Locator("#ops-assignments").GetByRole(AriaRole.Button, new() { Name = "查看分配记录" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ops-assignments tbody tr")).ToHaveCountAsync(1);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#ops-assignments").GetByRole(AriaRole.Button, new() { Name = "下载 CSV" }).ClickAsync());
        Assert.Equal($"assignments-{office}.csv", download.SuggestedFilename);
        await b.ShotAsync("audit-and-assignments");
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task ThePublicPoolPageShowsTheBlocksAndLiveCounts()
    {
        var office = await _api.CreateOfficeAsync(smallDBlocks: ["D0####", "DA####"]);
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await _api.WalkToDrawingAsync(citizen, vin);
        await DrawAsync(citizen, vin);

        await using var b = await BrowserSession.OpenAsync(fixture);
        await b.GotoAsync($"/pool/{office}");
        await Assertions.Expect(b.Heading("号池公示")).ToContainTextAsync($"测试车管所{office}");
        var smallD = b.Page.Locator(".series").First;
        await Assertions.Expect(smallD).ToContainTextAsync("冀A·D0####");
        await Assertions.Expect(smallD).ToContainTextAsync("冀A·DA####");
        await Assertions.Expect(smallD.Locator("tfoot")).ToContainTextAsync("20,000");
        await Assertions.Expect(smallD.Locator("tfoot")).ToContainTextAsync("19,990");
        await b.ShotAsync("pool");
        b.AssertNoScriptErrors();
    }

    /// <summary>An operator of the office, made by the admin; returns the username.</summary>
    private async Task<string> OperatorOfAsync(string office)
    {
        var username = $"operator{Next()}";
        await Expect(HttpStatusCode.Created, (await _api.AdminAsync()).PostAsJsonAsync("/api/v1/admin/users", new { username, password = OperatorPassword, role = "operator", officeCode = office }));
        return username;
    }
}
