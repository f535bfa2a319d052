namespace PlateOrleans.ApiTests;

/// <summary>
/// Issue 9: the public pool counts each published block, every operator's action is in the audit trail with who and
/// when (found by office and by actor), and an operator of one office gets 403 on another office's data.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OperatorAuditTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private async Task<(HttpClient Client, string Username)> NewOperatorAsync(string officeCode)
    {
        var username = $"operator{Next()}";
        await Expect(HttpStatusCode.Created, (await Api.AdminAsync()).PostAsJsonAsync("/api/v1/admin/users", new
        {
            username,
            password = "Operator-Passw0rd",
            role = "operator",
            officeCode,
        }));
        return (await Api.SignInAsync(username, "Operator-Passw0rd"), username);
    }

    private static async Task<List<JsonElement>> TrailAsync(HttpClient client, string query) =>
        [.. (await Expect(HttpStatusCode.OK, client.GetAsync($"/api/v1/admin/audit?{query}"))).EnumerateArray()];

    [Fact]
    public async Task ThePublicPoolShowsEachBlocksLiveCountsAndTheyAddUpToTheSeries()
    {
        var office = await Api.CreateOfficeAsync(smallDBlocks: ["D0####", "DA1###"]);
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));

        var pool = await Api.PoolAsync(office);

        var smallD = pool.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("plateKind").GetString() == "small" && s.GetProperty("energyLetter").GetString() == "D");
        Assert.Equal(["D0####", "DA1###"], smallD.GetProperty("blocks").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal((11_000, 1), (smallD.GetProperty("total").GetInt32(), smallD.GetProperty("reserved").GetInt32()));
        var blocks = smallD.GetProperty("blockCounts").EnumerateArray().ToList();
        Assert.Equal(["D0####", "DA1###"], blocks.Select(b => b.GetProperty("block").GetString()));
        Assert.Equal([10_000, 1_000], blocks.Select(b => b.GetProperty("total").GetInt32()));
        foreach (var field in new[] { "total", "available", "held", "reserved", "issued" })
        {
            Assert.Equal(smallD.GetProperty(field).GetInt32(), blocks.Sum(b => b.GetProperty(field).GetInt32()));
        }

        Assert.All(blocks, b => Assert.Equal(
            b.GetProperty("total").GetInt32(),
            b.GetProperty("available").GetInt32() + b.GetProperty("held").GetInt32() + b.GetProperty("reserved").GetInt32() + b.GetProperty("issued").GetInt32()));
        var reservedIn = plates[0][3] == 'A' ? "DA1###" : "D0####";
        Assert.Equal(1, blocks.Single(b => b.GetProperty("block").GetString() == reservedIn).GetProperty("reserved").GetInt32());
        Assert.All(pool.GetProperty("series").EnumerateArray(), s => Assert.Equal(
            s.GetProperty("blocks").GetArrayLength(), s.GetProperty("blockCounts").GetArrayLength()));
    }

    [Fact]
    public async Task EveryOperatorsActionIsInTheTrailWithWhoAndWhenAndNoPersonalData()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var office = await Api.CreateOfficeAsync();
        var (op, opName) = await NewOperatorAsync(office);
        var admin = await Api.AdminAsync();
        var (citizen, vin) = await Api.ApplicantAsync(office);

        await Expect(HttpStatusCode.OK, op.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new
        {
            series = new[] { new { plateKind = "small", energyLetter = "D", blocks = new[] { "D0####", "DB0###" } } },
        }));
        var owner = await Api.RegisterAsync(office);
        await Expect(HttpStatusCode.OK, op.PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new object[]
        {
            new { vin = NewVin(), currentPlate = "冀A54321", plateKind = "small", energy = "pure", ownerIdNumber = owner.IdNumber, ownerPhone = owner.Phone },
            new { vin = "not-a-vin" },
        }));
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{owner.Username}/disabled", new { disabled = true }));
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{owner.Username}/disabled", new { disabled = false }));
        await Api.BlacklistAsync(citizen.Username, DateTimeOffset.UtcNow.AddDays(30));
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/admin/blacklist/{citizen.Username}"));

        // The window: the exchange is in the vehicle's trail and, with its office, in the office's.
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[0] }));
        await Expect(HttpStatusCode.OK, op.PostAsJsonAsync($"/api/v1/admin/offices/{office}/exchanges", new { plate = plates[0] }));

        var trail = await TrailAsync(op, $"office={office}&kind=operator");

        var kinds = trail.Select(e => e.GetProperty("kind").GetString()).ToList();
        // Newest first: the setup made the office and its pool (admin), the operator's account, and imported the applicant's car (admin).
        Assert.Equal(
            [
                "exchange", "blacklist_lift", "account_enabled", "account_disabled", "vehicle_import", "pool_publication",
                "vehicle_import", "account_created", "pool_publication", "office_settings",
            ],
            kinds);
        var actors = trail.Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("actor").GetString())).ToList();
        Assert.Contains(("vehicle_import", opName), actors);
        Assert.Contains(("pool_publication", opName), actors);
        Assert.Contains(("exchange", opName), actors);
        Assert.Contains(("office_settings", ApiDriver.AdminUsername), actors);
        Assert.Contains(("account_disabled", ApiDriver.AdminUsername), actors);
        Assert.All(trail, e => Assert.InRange(e.GetProperty("at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.All(trail.Where(e => e.GetProperty("kind").GetString() != "exchange"), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("vin").ValueKind));
        Assert.All(trail, e => Assert.Equal(office, e.GetProperty("officeCode").GetString()));

        var import = trail.First(e => e.GetProperty("kind").GetString() == "vehicle_import").GetProperty("detail").GetString()!;
        Assert.Equal("2 items: 1 imported, 1 rejected", import);
        var everything = string.Join("\n", trail.Select(e => e.GetRawText()));
        foreach (var secret in new[] { owner.IdNumber, owner.Phone, citizen.IdNumber, citizen.Phone, "Passw0rd", "AQAAAA" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }

        Assert.Contains(owner.Username, trail.Single(e => e.GetProperty("kind").GetString() == "account_disabled").GetProperty("detail").GetString());
        Assert.Contains("D0#### DB0###", trail.First(e => e.GetProperty("kind").GetString() == "pool_publication").GetProperty("detail").GetString());

        // An admin finds the operator's actions by the operator's name, whatever its case; newest first, paged back.
        var byOperator = await TrailAsync(admin, $"actor={opName.ToUpperInvariant()}&kind=operator");
        Assert.Equal(["exchange", "vehicle_import", "pool_publication"], byOperator.Select(e => e.GetProperty("kind").GetString()));
        var older = await TrailAsync(admin, $"actor={opName}&kind=operator&limit=1&before={Uri.EscapeDataString(byOperator[0].GetProperty("at").GetString()!)}");
        Assert.Equal(["vehicle_import"], older.Select(e => e.GetProperty("kind").GetString()));

        // The vehicle's trail is as it was.
        var vehicleTrail = await TrailAsync(op, $"vin={vin}");
        Assert.Equal(["draw", "backup", "confirmation", "exchange"], vehicleTrail.Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task AnOperatorOfOneOfficeIsForbiddenEveryOtherOfficesData()
    {
        var mine = await Api.CreateOfficeAsync();
        var theirs = await Api.CreateOfficeAsync();
        var (op, _) = await NewOperatorAsync(mine);
        var findings = new Findings();
        var pool = new { series = new[] { new { plateKind = "small", energyLetter = "D", blocks = new[] { "D0####" } } } };

        // Another office, and a code no office has: the same answer, so the codes cannot be enumerated.
        foreach (var code in new[] { theirs, "139999" })
        {
            await findings.Problem($"publish {code}'s pool", op.PutAsJsonAsync($"/api/v1/admin/offices/{code}/pool", pool), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"import into {code}", op.PostAsJsonAsync($"/api/v1/admin/offices/{code}/vehicles", Array.Empty<object>()), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"{code}'s assignments", op.GetAsync($"/api/v1/admin/offices/{code}/assignments"), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"{code}'s assignments as csv", op.GetAsync($"/api/v1/admin/offices/{code}/assignments?format=csv"), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"{code}'s audit trail", op.GetAsync($"/api/v1/admin/audit?office={code}"), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"{code}'s operator actions", op.GetAsync($"/api/v1/admin/audit?office={code}&kind=operator&limit=5"), null, (HttpStatusCode.Forbidden, "forbidden"));
            await findings.Problem($"exchange at {code}", op.PostAsJsonAsync($"/api/v1/admin/offices/{code}/exchanges", new { plate = "冀AD01234" }), null, (HttpStatusCode.Forbidden, "forbidden"));
        }

        var (_, theirVin) = await Api.ApplicantAsync(theirs);
        await findings.Problem("a vehicle's trail at another office", op.GetAsync($"/api/v1/admin/audit?vin={theirVin}"), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("search by actor", op.GetAsync("/api/v1/admin/audit?actor=admin"), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("a citizen reading an office's trail", (await Api.RegisterAsync(mine)).Client.GetAsync($"/api/v1/admin/audit?office={mine}"), null, (HttpStatusCode.Forbidden, "forbidden"));
        findings.AssertNone();

        // Its own office answers, and an admin reads any office.
        await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/audit?office={mine}"));
        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).GetAsync($"/api/v1/admin/audit?office={theirs}"));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).GetAsync("/api/v1/admin/audit?office=139999"));
    }

    [Fact]
    public async Task MalformedAuditSearchesAreRefusedNamingTheField()
    {
        var admin = await Api.AdminAsync();
        var findings = new Findings();
        var office = await Api.CreateOfficeAsync();

        foreach (var (query, field) in new[]
        {
            ("", "vin"),
            ($"office={office}&actor=admin", "vin"),
            ($"vin=LSVAU2180N2184321&office={office}", "vin"),
            ("office=abc", "office"),
            ("office=1301000", "office"),
            ("office=%E5%86%80A", "office"),
            ($"actor={new string('a', 65)}", "actor"),
            ($"office={office}&limit=0", "limit"),
            ($"office={office}&limit=1001", "limit"),
            ($"office={office}&limit=-5", "limit"),
            ($"office={office}&limit=abc", "limit"),
            ($"office={office}&limit=99999999999999999999", "limit"),
            ($"office={office}&before=yesterday", "before"),
            ($"office={office}&before=9999-12-31T23:59:59Z", "before"),
            ($"office={office}&kind=nothing", "kind"),
            ($"office={office}&kind=draw,,draw", "kind"),
            ($"office={office}&kind={string.Join(',', Enumerable.Repeat("draw", 1_000))}", "kind"),
            ($"office={office}&office={office}", "office"),
        })
        {
            await findings.Invalid($"audit?{query[..Math.Min(query.Length, 80)]}", admin.GetAsync($"/api/v1/admin/audit?{query}"), field);
        }

        findings.AssertNone();
    }
}
