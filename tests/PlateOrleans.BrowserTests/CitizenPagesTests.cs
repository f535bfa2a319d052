using System.Text.RegularExpressions;

namespace PlateOrleans.BrowserTests;

/// <summary>The citizen pages in Chromium, on a phone-sized screen, against the API on a real port.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CitizenPagesTests(BrowserFixture fixture)
{
    private const string Password = "Passw0rd!";
    private readonly ApiDriver _api = fixture.Driver;

    [SkippableFact]
    public async Task ACitizenWalksAFormalSelectionFromSignInToTheDonePage()
    {
        var office = await _api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 3 });
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;

        await b.SignInAsync(citizen.Username, Password);
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "号池公示" })).ToBeVisibleAsync();
        await b.ShotAsync("vehicles");

        await page.GetByRole(AriaRole.Link, new() { Name = "选号：冀A12345", Exact = true }).ClickAsync();
        await Assertions.Expect(b.Heading("确认信息")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(vin);
        await b.ShotAsync("confirm-info");

        await b.Button("确认无误，提交").ClickAsync();
        var notice = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(notice).ToContainTextAsync("业务须知");
        await b.ShotAsync("notice");
        await notice.GetByRole(AriaRole.Button, new() { Name = "阅读并同意" }).ClickAsync();

        await Assertions.Expect(b.Heading("选号服务说明")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("剩余 5 次");
        await b.ShotAsync("service-info");
        await b.Button("开始选号").ClickAsync();

        await Assertions.Expect(b.Heading("身份验证")).ToBeVisibleAsync();
        await b.Button("获取验证码").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("验证码已发送");
        var confirm = page.GetByRole(AriaRole.Button, new() { NameRegex = ConfirmButton() });
        await Assertions.Expect(confirm).ToBeDisabledAsync();
        await Assertions.Expect(confirm).ToHaveTextAsync(new Regex(@"确认（\d）"));
        await b.ShotAsync("verify-countdown");
        await page.GetByLabel("短信验证码").FillAsync(await _api.LatestCodeAsync(citizen.Phone));
        await Assertions.Expect(confirm).ToBeEnabledAsync(new() { Timeout = 8_000 });
        await confirm.ClickAsync();

        await Assertions.Expect(b.Heading("预选号牌")).ToBeVisibleAsync();
        await page.GetByLabel("不包含4").CheckAsync();
        await b.Button("随机一次（剩余 5 次）", exact: true).ClickAsync();
        await Assertions.Expect(b.Button("换一批（剩余 4 次）", exact: true)).ToBeVisibleAsync();
        var plates = page.Locator(".batch .plates li .plate");
        await Assertions.Expect(plates).ToHaveCountAsync(10);
        foreach (var plate in await plates.AllInnerTextsAsync())
        {
            Assert.DoesNotContain('4', plate.Split('·')[1]);
        }

        await Assertions.Expect(page.Locator(".batch .countdown")).ToHaveTextAsync(new Regex(@"距失效 \d+ 秒"));
        await b.ShotAsync("batch");

        var first = (await plates.First.InnerTextAsync()).Replace("·", "", StringComparison.Ordinal);
        await page.Locator(".batch .plates li").First.GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator(".backups")).ToContainTextAsync(first[..2] + "·" + first[2..]);
        await Assertions.Expect(page.Locator(".backups .countdown")).ToHaveTextAsync(new Regex(@"距失效 \d+ 秒"));
        await b.ShotAsync("backup");

        await page.Locator(".backups").GetByRole(AriaRole.Button, new() { Name = "确认选号" }).ClickAsync();
        var secondLook = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(secondLook).ToContainTextAsync(first[..2] + "·" + first[2..]);
        await b.ShotAsync("second-look");
        await secondLook.GetByRole(AriaRole.Button, new() { Name = "确认选号" }).ClickAsync();

        await Assertions.Expect(b.Heading("完成号牌预选")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("换牌截止日期");
        await b.ShotAsync("done");

        var view = await ViewAsync(citizen, vin);
        Assert.Equal("completed", view.GetProperty("stage").GetString());
        Assert.Equal(first, view.GetProperty("selected").GetProperty("plate").GetString());
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(view.GetProperty("selected").GetProperty("exchangeBy").GetString()!);

        // 预约: tomorrow's slots, the first booked; the done page then shows the booking and offers to cancel it.
        await b.Button("查询可预约时段").ClickAsync();
        await page.Locator(".slots input[type=radio]").First.CheckAsync();
        await b.Button("预约", exact: true).ClickAsync();
        await Assertions.Expect(b.Button("取消预约")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("09:00-10:00");
        await b.ShotAsync("booked");
        Assert.Equal("main", (await ViewAsync(citizen, vin)).GetProperty("selected").GetProperty("appointment").GetProperty("locationId").GetString());

        // 打印预选号凭证: the voucher card with the number, the booking and the QR code (the print dialog stubbed out).
        await page.EvaluateAsync("() => { window.print = () => {}; }");
        await b.Button("打印预选号凭证").ClickAsync();
        var voucher = page.Locator("article.voucher");
        await Assertions.Expect(voucher).ToContainTextAsync(first[..2] + "·" + first[2..]);
        await Assertions.Expect(voucher).ToContainTextAsync("本所");
        await Assertions.Expect(voucher.Locator("img.qr")).ToBeVisibleAsync();
        await b.ShotAsync("voucher");

        // Coming back to a finished selection lands on the done page again.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回我的车辆" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "查看选号结果：冀A12345", Exact = true }).ClickAsync();
        await Assertions.Expect(b.Heading("完成号牌预选")).ToBeVisibleAsync();
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task APracticeRunIsMarkedOnEveryScreenAndHoldsNothing()
    {
        var office = await _api.CreateOfficeAsync();
        var (citizen, vin) = await _api.ApplicantAsync(office);
        var poolBefore = (await _api.PoolAsync(office)).GetRawText();
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;
        var banner = page.Locator("#practice-banner");

        await b.SignInAsync(citizen.Username, Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "模拟选号：冀A12345", Exact = true }).ClickAsync();
        await Assertions.Expect(b.Heading("确认信息")).ToContainTextAsync("模拟选号");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await b.ShotAsync("practice-confirm-info");
        await b.Button("确认无误，提交").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "阅读并同意" }).ClickAsync();

        await Assertions.Expect(b.Heading("选号服务说明")).ToContainTextAsync("模拟选号");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await b.Button("开始选号").ClickAsync();

        await Assertions.Expect(b.Heading("身份验证")).ToContainTextAsync("模拟选号");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await b.Button("获取验证码").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("不发送短信验证码");
        await page.GetByLabel("短信验证码").FillAsync("000000");
        await b.ShotAsync("practice-verify");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = ConfirmButton() }).ClickAsync();

        await Assertions.Expect(b.Heading("预选号牌")).ToContainTextAsync("模拟选号");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await b.Button("随机一次（剩余 5 次）", exact: true).ClickAsync();
        await Assertions.Expect(page.Locator(".batch .plates li")).ToHaveCountAsync(10);
        await page.Locator(".batch .plates li").Nth(3).GetByRole(AriaRole.Button).ClickAsync();
        await Assertions.Expect(page.Locator(".backups .plates li")).ToHaveCountAsync(1);
        await b.ShotAsync("practice-drawing");
        await page.Locator(".backups").GetByRole(AriaRole.Button, new() { Name = "确认选号" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "确认选号" }).ClickAsync();

        await Assertions.Expect(b.Heading("完成号牌预选")).ToContainTextAsync("模拟选号");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("号牌号码无效");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await b.ShotAsync("practice-done");

        // Nothing of the real pool was held or reserved, and no formal selection exists.
        Assert.Equal(poolBefore, (await _api.PoolAsync(office)).GetRawText());
        var vehicles = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me/vehicles"));
        Assert.Equal(JsonValueKind.Null, vehicles.EnumerateArray().Single(v => v.GetProperty("vin").GetString() == vin).GetProperty("stage").ValueKind);

        // Back on the citizen's list, the practice banner is gone.
        await page.GetByRole(AriaRole.Link, new() { Name = "返回我的车辆" }).ClickAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync();
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task LeavingMidwayAndComingBackLandsOnTheServiceExplanationWithTheDrawsLeft()
    {
        var office = await _api.CreateOfficeAsync();
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await _api.WalkToDrawingAsync(citizen, vin);
        await DrawAsync(citizen, vin);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;

        await b.SignInAsync(citizen.Username, Password);
        var card = page.Locator($"article[data-vin='{vin}']");
        await Assertions.Expect(card).ToContainTextAsync("当前：预选号牌");
        await b.ShotAsync("vehicles-midway");
        await card.GetByRole(AriaRole.Link, new() { Name = "继续选号：冀A12345", Exact = true }).ClickAsync();

        // The rules: back at 选号服务说明 while draws remain, and the identity is verified again.
        await Assertions.Expect(b.Heading("选号服务说明")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("剩余 4 次");
        await b.ShotAsync("back-at-service-info");
        await b.Button("开始选号").ClickAsync();
        await Assertions.Expect(b.Heading("身份验证")).ToBeVisibleAsync();

        // A code was sent moments ago: the cooldown is the API's answer, shown where the button is.
        await b.Button("获取验证码").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("验证码");
        await b.ExpectNoRawJsonAsync();
        await b.ShotAsync("verify-again");
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task AnExpiredBatchCanNoLongerGiveABackup()
    {
        var office = await _api.CreateOfficeAsync(rules: new { batchSeconds = 4, backupSeconds = 4, smsConfirmDelaySeconds = 0 });
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;

        await b.SignInAsync(citizen.Username, Password);
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeVisibleAsync();
        await b.GotoAsync($"/select/{vin}");
        await b.Button("确认无误，提交").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "阅读并同意" }).ClickAsync();
        await b.Button("开始选号").ClickAsync();
        await b.Button("获取验证码").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("验证码已发送");
        await page.GetByLabel("短信验证码").FillAsync(await _api.LatestCodeAsync(citizen.Phone));
        await page.GetByRole(AriaRole.Button, new() { NameRegex = ConfirmButton() }).ClickAsync();

        await b.Button("随机一次（剩余 5 次）", exact: true).ClickAsync();
        await Assertions.Expect(page.Locator(".batch .plates li")).ToHaveCountAsync(10);
        await b.ShotAsync("fresh-batch");

        await Assertions.Expect(page.Locator(".batch .countdown")).ToHaveTextAsync("本批随机号牌已失效", new() { Timeout = 9_000 });
        foreach (var button in await page.Locator(".batch .plates li button").AllAsync())
        {
            await Assertions.Expect(button).ToBeDisabledAsync();
        }

        await b.ShotAsync("expired-batch");
        var view = await ViewAsync(citizen, vin);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("batch").ValueKind);
        Assert.Equal(4, view.GetProperty("remainingDraws").GetInt32());
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task OutOfDrawsThePageCountsDownToTheAutoConfirmationAndShowsItsResult()
    {
        var office = await _api.CreateOfficeAsync(rules: new { drawsPerVehicle = 1, batchSeconds = 6, backupSeconds = 6, smsConfirmDelaySeconds = 0 });
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await _api.WalkToDrawingAsync(citizen, vin);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;
        await b.SignInAsync(citizen.Username, Password);
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeVisibleAsync();

        // The last draw is spent just before the applicant comes back (the countdown then runs on).
        var batch = await DrawAsync(citizen, vin);
        await b.GotoAsync($"/select/{vin}");

        // No draws left and nothing confirmed: the API's draws_exhausted, and when the system will confirm.
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator(".countdown")).ToContainTextAsync("自动确认");
        await b.ShotAsync("draws-exhausted");

        // Then the first number of the last batch, confirmed by the system, on the done page.
        await Assertions.Expect(b.Heading("完成号牌预选")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("系统自动确认");
        await Assertions.Expect(page.Locator(".result .plate")).ToHaveTextAsync(batch[0][..2] + "·" + batch[0][2..]);
        await b.ShotAsync("auto-confirmed");
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task AnApiErrorIsShownInPlaceWithItsDetail()
    {
        var office = await _api.CreateOfficeAsync(maintenance: true);
        var (citizen, vin) = await _api.ApplicantAsync(office);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;

        // A wrong password: the API's own sentence, beside the form.
        await b.SignInAsync(citizen.Username, "Wrong-Passw0rd");
        var refused = await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials",
            _api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = "Wrong-Passw0rd" }));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(refused.GetProperty("detail").GetString()!);
        await Assertions.Expect(b.Heading("登录")).ToBeVisibleAsync();
        await b.ShotAsync("wrong-password");

        // An office under maintenance: entering is refused, and the page says why instead of going blank.
        await b.SignInAsync(citizen.Username, Password);
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeVisibleAsync();
        await b.GotoAsync($"/select/{vin}");
        var maintenance = await ExpectProblem(HttpStatusCode.ServiceUnavailable, "maintenance", citizen.Client.PostAsync($"/api/v1/selections/{vin}", null));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(maintenance.GetProperty("detail").GetString()!);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "返回我的车辆" })).ToBeVisibleAsync();
        await b.ExpectNoRawJsonAsync();
        await b.ShotAsync("maintenance");

        // A page of the app under an unknown vehicle: the API's not_found, in place.
        await b.GotoAsync($"/select/{NewVin()}");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).Not.ToBeEmptyAsync();
        await b.ExpectNoRawJsonAsync();
        await b.ShotAsync("unknown-vehicle");
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task AnOwnerJumpsToAnotherCitysOfficeThroughTheProvinceAndCityPicker()
    {
        var home = await _api.CreateOfficeAsync();
        var elsewhere = await _api.CreateOfficeAsync();
        var owner = await _api.RegisterAsync(home);
        var vin = await _api.ImportVehicleAsync(elsewhere, owner);
        var learner = await _api.RegisterAsync(home, userType: "learner");
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;

        await b.SignInAsync(owner.Username, Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "跳转到其他省市" }).ClickAsync();
        await Assertions.Expect(b.Heading("跳转到其他省市")).ToBeVisibleAsync();
        await page.GetByLabel("省份").SelectOptionAsync("冀");
        await page.GetByLabel("城市（车管所）").SelectOptionAsync(elsewhere);
        var card = page.Locator($"article[data-vin='{vin}']");
        await Assertions.Expect(card).ToContainTextAsync("异地");
        await b.ShotAsync("picker");
        await card.GetByRole(AriaRole.Link, new() { Name = "选号：冀A12345", Exact = true }).ClickAsync();
        await Assertions.Expect(b.Heading("确认信息")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"测试车管所{elsewhere}");

        // A learner may select only where registered: no jump link, and the picker says why.
        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await b.SignInAsync(learner.Username, Password);
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "跳转到其他省市" })).ToHaveCountAsync(0);
        await b.GotoAsync("/offices");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("只能在注册地车管所");
        await b.ShotAsync("learner-refused");
        b.AssertNoScriptErrors();
    }

    [SkippableFact]
    public async Task SigningInAndChoosingAVehicleWorkByKeyboardAlone()
    {
        var office = await _api.CreateOfficeAsync();
        var (citizen, _) = await _api.ApplicantAsync(office);
        await using var b = await BrowserSession.OpenAsync(fixture);
        var page = b.Page;
        var keyboard = page.Keyboard;

        await b.GotoAsync("/signin");
        await Assertions.Expect(b.Heading("登录")).ToBeFocusedAsync();
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("用户名")).ToBeFocusedAsync();
        await keyboard.TypeAsync(citizen.Username);
        await keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByLabel("密码")).ToBeFocusedAsync();
        await keyboard.TypeAsync(Password);
        await keyboard.PressAsync("Enter");

        // The new screen's heading takes the focus; the vehicle's 选号 is reached with Tab and followed with Enter.
        await Assertions.Expect(b.Heading("选择需换牌选号的新能源汽车")).ToBeFocusedAsync();
        var select = page.GetByRole(AriaRole.Link, new() { Name = "选号：冀A12345", Exact = true });
        for (var i = 0; i < 12 && !await select.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(select).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(b.Heading("确认信息")).ToBeFocusedAsync();

        // The notice opens as a modal dialog with the focus on 阅读并同意; Escape closes it again.
        for (var i = 0; i < 12 && !await b.Button("确认无误，提交").EvaluateAsync<bool>("e => e === document.activeElement"); i++)
        {
            await keyboard.PressAsync("Tab");
        }

        await keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "阅读并同意" })).ToBeFocusedAsync();
        await b.ShotAsync("notice-by-keyboard");
        await keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeHiddenAsync();
        b.AssertNoScriptErrors();
    }

    [GeneratedRegex("^确认")]
    private static partial Regex ConfirmButton();
}
