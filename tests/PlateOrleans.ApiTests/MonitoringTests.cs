using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace PlateOrleans.ApiTests;

/// <summary>
/// The operators' view: <c>/metrics</c> in Prometheus text for staff, the dashboard behind a bearer token or the sign-in
/// page's cookie, the grain views for admins and monitors only, and the monitor role.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class MonitoringTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private const string StaffPassword = "Staff-Passw0rd";
    [Fact]
    public async Task Metrics_refuse_anonymous_callers_with_401_and_citizens_with_403()
    {
        var (citizen, _) = await Api.ApplicantAsync();

        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().GetAsync("/metrics"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.GetAsync("/metrics"));
    }

    [Fact]
    public async Task Metrics_show_operators_and_admins_the_Orleans_meter_and_the_draws_and_confirmations_of_an_office()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, batchSeconds = 600, backupSeconds = 600 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var plate = (await DrawAsync(citizen, vin))[0];
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate }));

        foreach (var staff in new[] { await Api.OperatorAsync(office), await Api.AdminAsync() })
        {
            var response = await staff.GetAsync("/metrics");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.True(OrleansMetric().IsMatch(text), "no Orleans metric among: " + string.Join(", ", SampleLine().Matches(text).Select(m => m.Groups["name"].Value).Distinct()));
            Assert.Equal(1, Sample(text, "plateorleans_selection_draws_total", ("office", office)));
            Assert.Equal(1, Sample(text, "plateorleans_selection_backups_total", ("office", office)));
            Assert.Equal(1, Sample(text, "plateorleans_selection_confirmations_total", ("office", office), ("by", "user")));
            Assert.Null(Sample(text, "plateorleans_selection_confirmations_total", ("office", office), ("by", "auto")));
        }
    }

    [Fact]
    public async Task An_auto_confirmation_is_counted_apart_from_the_applicants_own()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, drawsPerVehicle = 1, batchSeconds = 1, backupSeconds = 1 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        await DrawAsync(citizen, vin);
        var admin = await Api.AdminAsync();

        // Nobody reads the selection: the grain's timer confirms the batch's first number when its countdown ends.
        await EventuallyAsync(
            async () => Sample(await MetricsAsync(admin), "plateorleans_selection_confirmations_total", ("office", office), ("by", "auto")) == 1,
            "the auto-confirmation counted");
        Assert.Null(Sample(await MetricsAsync(admin), "plateorleans_selection_confirmations_total", ("office", office), ("by", "user")));
    }

    [Fact]
    public async Task The_pool_gauges_show_the_numbers_available_and_held_per_office_and_series()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, batchSeconds = 600 });
        var admin = await Api.AdminAsync();
        (string, string)[] smallD = [("office", office), ("plateKind", "small"), ("energyLetter", "D")];

        await EventuallyAsync(async () => Sample(await MetricsAsync(admin), "plateorleans_pool_available", smallD) == 10_000, "10,000 small D numbers available");
        var text = await MetricsAsync(admin);
        Assert.Equal(10_000, Sample(text, "plateorleans_pool_available", ("office", office), ("plateKind", "small"), ("energyLetter", "F")));
        Assert.Equal(1_000, Sample(text, "plateorleans_pool_available", ("office", office), ("plateKind", "large"), ("energyLetter", "D")));

        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        await DrawAsync(citizen, vin);

        await EventuallyAsync(async () => Sample(await MetricsAsync(admin), "plateorleans_pool_held", smallD) == 10, "a batch of 10 held");
        Assert.Equal(9_990, Sample(await MetricsAsync(admin), "plateorleans_pool_available", smallD));
    }

    [Fact]
    public async Task Admins_create_monitors_without_an_office_who_read_everything_watched_and_change_nothing()
    {
        var office = await Api.CreateOfficeAsync();
        var admin = await Api.AdminAsync();
        var username = $"monitor{Next()}";
        var created = await Expect(HttpStatusCode.Created, admin.PostAsJsonAsync("/api/v1/admin/users", new { username, password = StaffPassword, role = "monitor" }));
        Assert.Equal("monitor", created.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("officeCode").ValueKind);
        await ExpectInvalid("role", admin.PostAsJsonAsync("/api/v1/admin/users", new { username = $"x{Next()}", password = StaffPassword, role = "watcher" }));

        var monitor = await Api.SignInAsync(username, StaffPassword);
        Assert.Equal(["monitor"], (await Expect(HttpStatusCode.OK, monitor.GetAsync("/api/v1/me"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync("/metrics")).StatusCode);
        await Expect(HttpStatusCode.OK, monitor.GetAsync("/dashboard/DashboardCounters"));
        await Expect(HttpStatusCode.OK, monitor.GetAsync("/dashboard/Reminders"));

        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", monitor.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new { series = Array.Empty<object>() }));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", monitor.PostAsJsonAsync($"/api/v1/admin/offices/{office}/exchanges", new { plate = "冀AD00001" }));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", monitor.GetAsync($"/api/v1/admin/users?username={username}"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", monitor.PostAsJsonAsync("/api/v1/admin/users", new { username = $"x{Next()}", password = StaffPassword, role = "admin" }));
    }

    [Fact]
    public async Task Operators_see_the_cluster_on_the_dashboard_but_not_the_views_of_grain_keys_reminders_and_logs()
    {
        var op = await Api.OperatorAsync(await Api.CreateOfficeAsync());

        await Expect(HttpStatusCode.OK, op.GetAsync("/dashboard/DashboardCounters"));
        await Expect(HttpStatusCode.OK, op.GetAsync("/dashboard/ClusterStats"));
        await Expect(HttpStatusCode.OK, op.GetAsync("/dashboard/GrainTypes"));
        foreach (var path in new[] { "/dashboard/GrainState?grainId=LSVAU2180N2184321&grainType=SelectionSessionGrain", "/dashboard/Reminders", "/dashboard/Reminders/2", "/dashboard/Trace", "/dashboard/grainstate" })
        {
            await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", op.GetAsync(path));
        }
    }

    [Fact]
    public async Task A_browser_without_the_staff_cookie_is_sent_to_the_sign_in_page_and_an_api_client_hears_401()
    {
        var browser = Api.Browser();
        var page = await browser.SendAsync(Page("/dashboard/"));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/dashboard/signin?returnUrl=%2Fdashboard%2F", page.Headers.Location?.OriginalString);

        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().GetAsync("/dashboard/DashboardCounters"));
        var (citizen, _) = await Api.ApplicantAsync();
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.SendAsync(Page("/dashboard/")));
    }

    [Fact]
    public async Task An_operator_signs_in_through_the_form_and_the_cookie_opens_the_dashboard_and_metrics_but_never_the_api()
    {
        var office = await Api.CreateOfficeAsync();
        var username = await CreateStaffAsync("operator", office);
        var browser = Api.Browser();

        var signedIn = await PostSignInAsync(browser, username, StaffPassword, "/dashboard/");
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/dashboard/", signedIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("plate-staff=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var dashboard = await browser.SendAsync(Page("/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
        await Expect(HttpStatusCode.OK, browser.GetAsync("/dashboard/DashboardCounters"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/metrics")).StatusCode);
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", browser.GetAsync("/dashboard/Reminders"));

        // The cookie is no token for the API: a page of another site cannot make the browser write through it.
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", browser.GetAsync("/api/v1/me"));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", browser.PostAsJsonAsync($"/api/v1/admin/offices/{office}/exchanges", new { plate = "冀AD00001" }));

        var signInPage = await browser.GetStringAsync("/dashboard/signin");
        var signedOut = await browser.PostAsync("/dashboard/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__form"] = FormToken(signInPage) }));
        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SendAsync(Page("/dashboard/"))).StatusCode);
    }

    [Fact]
    public async Task A_disabled_staff_accounts_cookie_stops_working_at_once()
    {
        var username = await CreateStaffAsync("operator", await Api.CreateOfficeAsync());
        var browser = Api.Browser();
        Assert.Equal(HttpStatusCode.SeeOther, (await PostSignInAsync(browser, username, StaffPassword)).StatusCode);
        await Expect(HttpStatusCode.OK, browser.GetAsync("/dashboard/DashboardCounters"));

        await Expect(HttpStatusCode.NoContent, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/users/{username}/disabled", new { disabled = true }));

        await ExpectProblem(HttpStatusCode.Unauthorized, "account_disabled", browser.GetAsync("/dashboard/DashboardCounters"));
        var again = await PostSignInAsync(Api.Browser(), username, StaffPassword);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.False(HasStaffCookie(again));
    }

    [Fact]
    public async Task The_sign_in_form_refuses_citizens_wrong_passwords_forged_posts_and_other_sites_as_return_urls()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var refused = await PostSignInAsync(Api.Browser(), citizen.Username, "Passw0rd!");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(HasStaffCookie(refused));

        var username = await CreateStaffAsync("operator", office);
        var wrong = await PostSignInAsync(Api.Browser(), username, "Wrong-Passw0rd");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("用户名或密码错误", await wrong.Content.ReadAsStringAsync());
        Assert.False(HasStaffCookie(wrong));

        // Posted from another site's page: no antiforgery token, no cookie.
        var forged = await Api.Browser().PostAsync("/dashboard/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = StaffPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(HasStaffCookie(forged));

        foreach (var elsewhere in new[] { "https://evil.example/", "//evil.example/dashboard/", "/\\evil.example", "/dashboard/../api/v1/me", "/metrics" })
        {
            var response = await PostSignInAsync(Api.Browser(), username, StaffPassword, elsewhere);
            Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
            Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
        }

        await ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", Api.Anonymous().PostAsJsonAsync("/dashboard/signin", new { username, password = StaffPassword }));
        var huge = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = new string('a', 100_000), ["password"] = "x" });
        var tooLarge = await Api.Anonymous().PostAsync("/dashboard/signin", huge);
        Assert.True(tooLarge.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"{(int)tooLarge.StatusCode}");
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);
    }

    private async Task<string> CreateStaffAsync(string role, string? officeCode)
    {
        var username = $"{role}{Next()}";
        await Expect(HttpStatusCode.Created, (await Api.AdminAsync()).PostAsJsonAsync("/api/v1/admin/users", new { username, password = StaffPassword, role, officeCode }));
        return username;
    }

    /// <summary>Opens the sign-in page, then posts its form as a browser would.</summary>
    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string username, string password, string returnUrl = "/dashboard/")
    {
        var page = await browser.GetStringAsync("/dashboard/signin");
        return await browser.PostAsync("/dashboard/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__form"] = FormToken(page),
            ["returnUrl"] = returnUrl,
            ["username"] = username,
            ["password"] = password,
        }));
    }

    private static string FormToken(string page) => WebUtility.HtmlDecode(FormTokenPattern().Match(page).Groups[1].Value);

    private static bool HasStaffCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("plate-staff=", StringComparison.Ordinal));

    /// <summary>A browser's navigation to a page: it accepts HTML.</summary>
    private static HttpRequestMessage Page(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return request;
    }

    private static async Task<string> MetricsAsync(HttpClient staff)
    {
        var response = await staff.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return text;
    }

    /// <summary>The value of the one sample of a metric whose labels include these, or null when there is none.</summary>
    private static double? Sample(string text, string metric, params (string Name, string Value)[] labels)
    {
        var samples = SampleLine().Matches(text)
            .Where(m => m.Groups["name"].Value == metric)
            .Where(m =>
            {
                var found = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
                return labels.All(l => found.TryGetValue(l.Name, out var value) && value == l.Value);
            })
            .ToList();
        Assert.True(samples.Count <= 1, $"{samples.Count} samples of {metric} with {string.Join(",", labels)}");
        return samples.Count == 0 ? null : double.Parse(samples[0].Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^orleans_\w+", RegexOptions.Multiline)]
    private static partial Regex OrleansMetric();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>[^}]*)\} (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(\w+)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();

    [GeneratedRegex(@"name=""__form"" value=""([^""]*)""")]
    private static partial Regex FormTokenPattern();
}
