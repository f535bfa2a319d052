using System.Globalization;
using System.Net.Http.Headers;

namespace PlateOrleans.ApiTests;

/// <summary>The rest of the surface: unknown routes and methods, health, the API description, offices, the dev outbox.</summary>
[Collection(ApiCollection.Name)]
public sealed class SurfaceTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task AnUnknownRouteIsANotFoundProblem()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var findings = new Findings();

        foreach (var path in new[] { "/api/v1/nothing-here", "/nothing", "/api/v2/me", "/api/v1/offices/130001/nothing", $"/api/v1/selections/{NewVin()}/nothing" })
        {
            await findings.Problem($"GET {path}", Api.Anonymous().GetAsync(path), null, (HttpStatusCode.NotFound, "not_found"));
            await findings.Problem($"GET {path} signed in", citizen.Client.GetAsync(path), null, (HttpStatusCode.NotFound, "not_found"));
        }

        await findings.Problem("POST /api/v1/selections without a VIN", citizen.Client.PostAsync("/api/v1/selections", null), null, (HttpStatusCode.NotFound, "not_found"));
        findings.AssertNone();
    }

    [Fact]
    public async Task AWrongMethodIsAMethodNotAllowedProblem()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var findings = new Findings();

        foreach (var (method, path) in new[]
        {
            ("GET", "/api/v1/auth/token"), ("DELETE", "/api/v1/auth/register"), ("PUT", $"/api/v1/selections/{NewVin()}"),
            ("GET", $"/api/v1/selections/{NewVin()}/draws"), ("DELETE", "/api/v1/me"), ("POST", "/api/v1/offices"), ("PATCH", "/api/v1/offices/130001/pool"),
        })
        {
            await findings.Problem($"{method} {path}", citizen.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), null, (HttpStatusCode.MethodNotAllowed, "method_not_allowed"));
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task AnErrorIsAProblemWhateverTheClientAccepts()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var findings = new Findings();

        foreach (var accept in new[] { "text/html", "text/plain", "application/xml" })
        {
            HttpRequestMessage Get(string path, HttpMethod? method = null)
            {
                var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
                return request;
            }

            await findings.Problem($"unknown route, Accept {accept}", citizen.Client.SendAsync(Get("/api/v1/nothing-here")), null, (HttpStatusCode.NotFound, "not_found"));
            await findings.Problem($"wrong method, Accept {accept}", citizen.Client.SendAsync(Get("/api/v1/auth/token")), null, (HttpStatusCode.MethodNotAllowed, "method_not_allowed"));
            await findings.Problem($"no token, Accept {accept}", Api.Anonymous().SendAsync(Get("/api/v1/me")), null, (HttpStatusCode.Unauthorized, "unauthenticated"));
            await findings.Problem($"a citizen on admin, Accept {accept}", citizen.Client.SendAsync(Get("/api/v1/admin/users", HttpMethod.Post)), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"an unknown VIN, Accept {accept}", citizen.Client.SendAsync(Get(SelectionPath(NewVin()))), null, (HttpStatusCode.NotFound, "not_found"));
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task HealthSaysLiveAndReady()
    {
        var live = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/health/live"));
        var ready = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/health/ready"));

        Assert.Equal("live", live.GetProperty("status").GetString());
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheSelectionFlowAndItsBearerScheme()
    {
        var document = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/openapi/v1.json"));

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var step in new[] { "", "/info-confirmation", "/start", "/sms-code", "/verification", "/draws", "/backups", "/confirmation" })
        {
            Assert.Contains($"/api/v1/selections/{{vin}}{step}", paths);
            Assert.Contains($"/api/v1/simulations/{{vin}}{step}", paths);
        }

        Assert.Contains("/api/v1/auth/register", paths);
        Assert.Contains("/api/v1/admin/offices/{code}/pool", paths);
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task TheDocsAreAnHtmlPage()
    {
        var response = await Api.Anonymous().GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheOfficeListShowsEachOfficesStateAsConfigured()
    {
        var opensAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds());
        var hour = (DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Hour + 6) % 24;
        var open = await Api.CreateOfficeAsync();
        var maintenance = await Api.CreateOfficeAsync(maintenance: true);
        var closed = await Api.CreateOfficeAsync(hours: new { from = $"{hour:00}:00", to = $"{hour + 1:00}:00" });
        var notYetOpen = await Api.CreateOfficeAsync(opensAt: opensAt);

        var offices = (await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/api/v1/offices"))).EnumerateArray().ToDictionary(o => o.GetProperty("code").GetString()!);

        Assert.Equal("open", offices[open].GetProperty("state").GetString());
        Assert.Equal("maintenance", offices[maintenance].GetProperty("state").GetString());
        Assert.Equal("closed", offices[closed].GetProperty("state").GetString());
        Assert.Equal("notYetOpen", offices[notYetOpen].GetProperty("state").GetString());
        var listed = offices[notYetOpen];
        Assert.Equal($"测试车管所{notYetOpen}", listed.GetProperty("name").GetString());
        Assert.Equal("冀A", listed.GetProperty("prefix").GetString());
        Assert.Equal("冀", listed.GetProperty("province").GetString());
        Assert.Equal(opensAt, DateTimeOffset.Parse(listed.GetProperty("opensAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("00:00", listed.GetProperty("hours").GetProperty("from").GetString());
        Assert.Equal("24:00", listed.GetProperty("hours").GetProperty("to").GetString());
        Assert.Equal($"{hour:00}:00", offices[closed].GetProperty("hours").GetProperty("from").GetString());
    }

    [Fact]
    public async Task TheNoticeAndThePoolArePublicAndUnknownOfficesAreNotFound()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, drawsPerVehicle = 7 });

        var notice = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/offices/{office}/notice"));
        var pool = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/offices/{office}/pool"));

        Assert.False(string.IsNullOrWhiteSpace(notice.GetProperty("version").GetString()));
        Assert.Contains("7 次", notice.GetProperty("text").GetString());
        Assert.Equal(office, pool.GetProperty("code").GetString());
        Assert.Equal("冀A", pool.GetProperty("prefix").GetString());
        Assert.Equal(3, pool.GetProperty("series").GetArrayLength());
        var findings = new Findings();
        foreach (var code in new[] { "139999", "000000", "abc", "1300011", "13000" })
        {
            await findings.Problem($"notice of {code}", Api.Anonymous().GetAsync($"/api/v1/offices/{code}/notice"), null, (HttpStatusCode.NotFound, "not_found"));
            await findings.Problem($"pool of {code}", Api.Anonymous().GetAsync($"/api/v1/offices/{code}/pool"), null, (HttpStatusCode.NotFound, "not_found"));
        }

        findings.AssertNone();
    }

    [Fact]
    public async Task TheDevOutboxRefusesABadPhone()
    {
        var findings = new Findings();

        foreach (var query in new[] { "", "?phone=", "?phone=abc", "?phone=1371234567", "?phone=137123456789", "?phone=１３７１２３４５６７８", $"?phone={new string('1', 10_000)}" })
        {
            await findings.Invalid($"outbox{query[..Math.Min(query.Length, 30)]}", Api.Anonymous().GetAsync($"/api/v1/dev/sms{query}"), "phone");
        }

        findings.AssertNone();
        Assert.Equal(0, (await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/api/v1/dev/sms?phone=13700000000"))).GetArrayLength());
    }

    [Fact]
    public async Task OperatorsReadTheAssignmentsAndAVehiclesTrailAndTheDashboardIsForStaffOnly()
    {
        var office = await Api.CreateOfficeAsync();
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var shown = (await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = true })))
            .GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString()).ToList();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = shown[2] }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = shown[2] }));
        var op = await Api.OperatorAsync(office);

        var assignments = await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/offices/{office}/assignments"));
        var assignment = Assert.Single(assignments.EnumerateArray());
        Assert.Equal(shown[2], assignment.GetProperty("plate").GetString());
        Assert.Equal(vin, assignment.GetProperty("vin").GetString());
        Assert.Equal("user", assignment.GetProperty("by").GetString());
        var csv = await op.GetAsync($"/api/v1/admin/offices/{office}/assignments?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"{shown[2]},{vin},user,", await csv.Content.ReadAsStringAsync());

        var trail = await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/audit?vin={vin}"));
        Assert.Equal(["draw", "backup", "confirmation"], trail.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(shown, trail[0].GetProperty("plates").EnumerateArray().Select(p => p.GetString()));

        var elsewhere = await Api.OperatorAsync(await Api.CreateOfficeAsync());
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", elsewhere.GetAsync($"/api/v1/admin/offices/{office}/assignments"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", elsewhere.GetAsync($"/api/v1/admin/audit?vin={vin}"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.GetAsync($"/api/v1/admin/audit?vin={vin}"));

        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().GetAsync("/dashboard/"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.GetAsync("/dashboard/"));
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/dashboard/")).StatusCode);
    }
}

/// <summary>The API configured with a real SMS provider: the development outbox must not exist.</summary>
public sealed class RealSmsProviderFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Sms:Provider"] = "Http",
        ["Sms:Http:Url"] = "http://127.0.0.1:9/sms",
    };
}

[CollectionDefinition(Name)]
public sealed class RealSmsProviderCollection : ICollectionFixture<RealSmsProviderFactory>
{
    public const string Name = "real-sms-provider";
}

[Collection(RealSmsProviderCollection.Name)]
public sealed class RealSmsProviderTests(RealSmsProviderFactory factory) : ApiTest<RealSmsProviderFactory>(factory)
{
    [Fact]
    public async Task WithARealProviderTheDevOutboxDoesNotExist()
    {
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", Api.Anonymous().GetAsync("/api/v1/dev/sms?phone=13700000000"));

        var document = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/openapi/v1.json"));
        Assert.DoesNotContain(document.GetProperty("paths").EnumerateObject(), p => p.Name.Contains("/dev/", StringComparison.Ordinal));
    }
}
