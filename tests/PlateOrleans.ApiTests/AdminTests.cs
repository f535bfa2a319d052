using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.ApiTests;

/// <summary>The operators' side: office settings, pool publication and vehicle import, with their domain rules.</summary>
[Collection(ApiCollection.Name)]
public sealed class AdminTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>A valid office body for Hebei, with one field replaced.</summary>
    private static Dictionary<string, object?> Office(string? field = null, object? value = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = "改名的车管所",
            ["prefix"] = "冀B",
            ["province"] = "冀",
            ["hours"] = new { from = "08:00", to = "20:00" },
            ["maintenance"] = true,
            ["rules"] = new Dictionary<string, int> { ["drawsPerVehicle"] = 3 },
        };
        if (field is not null)
        {
            body[field] = value;
        }

        return body;
    }

    private static Dictionary<string, object?> Rules(string rule, int value) =>
        Office("rules", new Dictionary<string, int> { [rule] = value });

    [Fact]
    public async Task AnOfficeWithSettingsThatBreakTheRulesIsRefusedAndStaysAsItWas()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var admin = await Api.AdminAsync();
        var findings = new Findings();

        foreach (var (what, body, field) in new (string, Dictionary<string, object?>, string)[]
        {
            ("a prefix whose letter Hebei does not use", Office("prefix", "冀K"), "prefix"),
            ("the letter I", Office("prefix", "冀I"), "prefix"),
            ("a prefix of another province", Office("prefix", "京A"), "prefix"),
            ("a province that is not the division code's", Office("province", "京"), "province"),
            ("a province that is not one", Office("province", "X"), "province"),
            ("hours without a leading zero", Office("hours", new { from = "8:00", to = "20:00" }), "hours.from"),
            ("hours with seconds", Office("hours", new { from = "08:00:00", to = "20:00" }), "hours.from"),
            ("hours past midnight", Office("hours", new { from = "08:00", to = "24:30" }), "hours.to"),
            ("hours of 25 o'clock", Office("hours", new { from = "25:00", to = "26:00" }), "hours.from"),
            ("hours from after to", Office("hours", new { from = "20:00", to = "08:00" }), "hours"),
            ("hours from equal to", Office("hours", new { from = "08:00", to = "08:00" }), "hours"),
            ("no draws", Rules("drawsPerVehicle", 0), "rules.drawsPerVehicle"),
            ("51 draws", Rules("drawsPerVehicle", 51), "rules.drawsPerVehicle"),
            ("no plates per draw", Rules("platesPerDraw", 0), "rules.platesPerDraw"),
            ("a batch of 0 s", Rules("batchSeconds", 0), "rules.batchSeconds"),
            ("a batch of -1 s", Rules("batchSeconds", -1), "rules.batchSeconds"),
            ("backups of 0 s", Rules("backupSeconds", 0), "rules.backupSeconds"),
            ("a validity of 0 days", Rules("validityDays", 0), "rules.validityDays"),
            ("a negative blacklist", Rules("blacklistDays", -1), "rules.blacklistDays"),
            ("no SMS attempts", Rules("smsAttempts", 0), "rules.smsAttempts"),
        })
        {
            await findings.Invalid($"PUT office with {what}", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", body), field);
        }

        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task ARefusedNewOfficeIsNotCreated()
    {
        var code = NewOfficeCode();

        await ExpectInvalid("prefix", (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{code}", Office("prefix", "冀K")));

        await ExpectProblem(HttpStatusCode.NotFound, "not_found", Api.Anonymous().GetAsync($"/api/v1/offices/{code}/notice"));
        var offices = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync("/api/v1/offices"));
        Assert.DoesNotContain(offices.EnumerateArray(), o => o.GetProperty("code").GetString() == code);
    }

    [Fact]
    public async Task AnOfficeAcceptsCountdownsOfOneSecondForDrills()
    {
        var code = NewOfficeCode();

        var created = await Expect(HttpStatusCode.Created, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{code}", Office("rules", new { batchSeconds = 1, backupSeconds = 1 })));

        Assert.Equal(1, created.GetProperty("rules").GetProperty("batchSeconds").GetInt32());
        Assert.Equal(1, created.GetProperty("rules").GetProperty("backupSeconds").GetInt32());
        var updated = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{code}", Office()));
        Assert.Equal("冀B", updated.GetProperty("prefix").GetString());
    }

    private static object Series(string plateKind, string energyLetter, params string[] blocks) => new { plateKind, energyLetter, blocks };

    [Fact]
    public async Task APoolThatBreaksTheSerialRulesIsRefusedAndStaysAsItWas()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var admin = await Api.AdminAsync();
        var findings = new Findings();

        foreach (var (what, series, field) in new (string, object[], string)[]
        {
            ("a large block in a small series", [Series("small", "D", "12###D")], "series[0].blocks"),
            ("a small block in a large series", [Series("large", "D", "D0####")], "series[0].blocks"),
            ("a block of another energy letter", [Series("small", "F", "D0####")], "series[0].blocks"),
            ("a block with the letter I", [Series("small", "D", "DI####")], "series[0].blocks"),
            ("a block with the letter O", [Series("small", "D", "DO####")], "series[0].blocks"),
            ("a block of five characters", [Series("small", "D", "D0###")], "series[0].blocks"),
            ("a block of seven characters", [Series("small", "D", "D0#####")], "series[0].blocks"),
            ("a block with a letter where digits go", [Series("small", "D", "D0A###")], "series[0].blocks"),
            ("a lower-case block", [Series("small", "D", "d0####")], "series[0].blocks"),
            ("overlapping blocks", [Series("small", "D", "D0####", "D00###")], "series[0].blocks"),
            ("the same block twice", [Series("small", "D", "D1####", "D1####")], "series[0].blocks"),
            ("a block that covers another", [Series("small", "D", "D12###", "D#####")], "series[0].blocks"),
            ("no blocks", [Series("small", "D")], "series[0].blocks"),
            ("a duplicate series", [Series("small", "D", "D0####"), Series("small", "D", "DA####")], "series[1]"),
            ("an unknown energy letter", [Series("small", "X", "X0####")], "series[0].energyLetter"),
            ("a lower-case energy letter", [Series("small", "d", "d0####")], "series[0].energyLetter"),
            ("two energy letters", [Series("small", "DF", "D0####")], "series[0].energyLetter"),
            ("a motorcycle series", [Series("motorcycle", "D", "D0####")], "series[0].plateKind"),
        })
        {
            await findings.Invalid($"PUT pool with {what}", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new { series }), field);
        }

        await findings.Problem("PUT pool of an unknown office", admin.PutAsJsonAsync($"/api/v1/admin/offices/{NewOfficeCode()}/pool", new { series = Array.Empty<object>() }), null, (HttpStatusCode.NotFound, "not_found"));
        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task APublishedPoolShowsItsBlocksAndCountsPerSeries()
    {
        var office = await Api.CreateOfficeAsync();

        var pool = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new
        {
            series = new[] { Series("small", "D", "D0####", "DA####"), Series("large", "F", "12###F"), Series("small", "G", "G#####") },
        }));

        Assert.Equal(pool.GetRawText(), (await Api.PoolAsync(office)).GetRawText());
        Assert.Equal("冀A", pool.GetProperty("prefix").GetString());
        var series = pool.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["small D 20000", "large F 1000", "small G 100000"], series.Select(s => $"{s.GetProperty("plateKind").GetString()} {s.GetProperty("energyLetter").GetString()} {s.GetProperty("total").GetInt32()}"));
        Assert.Equal(["D0####", "DA####"], series[0].GetProperty("blocks").EnumerateArray().Select(b => b.GetString()));
        Assert.All(series, s => Assert.Equal(s.GetProperty("total").GetInt32(), s.GetProperty("available").GetInt32()));
    }

    /// <summary>A pool of ten numbers (the first draw shows them all) with one of them reserved by a first applicant.</summary>
    private async Task<(string Office, string Reserved)> OfficeWithOneReservationAsync()
    {
        var office = await Api.CreateOfficeAsync(smallDBlocks: ["D0000#"]);
        var (first, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(first, vin);
        var plates = await DrawAsync(first, vin);
        Assert.Equal(10, plates.Count);
        await Expect(HttpStatusCode.OK, first.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[2] }));
        await Expect(HttpStatusCode.OK, first.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[2] }));
        Assert.Equal((10, 9, 0, 1), Counts((await Api.PoolAsync(office)).GetProperty("series")[0]));
        return (office, plates[2]);
    }

    private async Task<JsonElement> RepublishAsync(string office) =>
        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new
        {
            series = new[] { Series("small", "D", "D0000#"), Series("small", "F", "F0####") },
        }));

    [Fact]
    public async Task RepublishingThePoolKeepsAReservedNumberOut()
    {
        var (office, reserved) = await OfficeWithOneReservationAsync();

        await RepublishAsync(office);

        var (second, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(second, vin);
        var others = await DrawAsync(second, vin);
        Assert.Equal(9, others.Count);
        Assert.DoesNotContain(reserved, others);
        Assert.Equal(9, (await Api.PoolAsync(office)).GetProperty("series")[0].GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task RepublishingThePoolCountsAReservationOnce()
    {
        var (office, _) = await OfficeWithOneReservationAsync();

        var republished = await RepublishAsync(office);

        Assert.Equal((10, 9, 0, 1), Counts(republished.GetProperty("series")[0]));
        Assert.Equal((10, 9, 0, 1), Counts((await Api.PoolAsync(office)).GetProperty("series")[0]));
        Assert.Equal((10, 9, 0, 1), Counts((await RepublishAsync(office)).GetProperty("series")[0]));
    }

    private static (int Total, int Available, int Held, int Reserved) Counts(JsonElement series) =>
        (series.GetProperty("total").GetInt32(), series.GetProperty("available").GetInt32(), series.GetProperty("held").GetInt32(), series.GetProperty("reserved").GetInt32());

    [Fact]
    public async Task AnImportRejectsBadItemsOneByOneAndImportsTheGoodOnes()
    {
        // An ID number with a wrong check character. Not any wrong one: an 18-character owner may also be a unified
        // social credit code, and now and then a person ID with a changed last character is a valid one (a flaky test).
        static string WrongCheck(string id) => "0123456789X".Select(c => id[..17] + c)
            .First(candidate => !IdNumbers.IsValidPersonId(candidate) && !IdNumbers.IsValidCreditCode(candidate));

        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var good1 = NewVin();
        var good2 = NewVin();
        var badCheck = good1[..8] + (good1[8] == '0' ? '1' : '0') + good1[9..];
        object Item(string vin, string? currentPlate = "冀A12345", string? plateKind = "small", string? energy = "pure", string? owner = null) =>
            new { vin, currentPlate, plateKind, energy, ownerIdNumber = owner ?? citizen.IdNumber };

        var result = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new object?[]
        {
            Item(good1),
            Item(badCheck),
            Item(NewVin(), plateKind: "bus"),
            Item(NewVin(), owner: WrongCheck(citizen.IdNumber)),
            Item(NewVin(), energy: "diesel"),
            Item(NewVin(), currentPlate: "ABC"),
            Item("LAPX123"),
            null,
            42,
            new { vin = 5 },
            Item(good2, plateKind: "large", energy: "nonPure"),
        }));

        Assert.True(result.GetProperty("imported").GetInt32() == 2, $"expected 2 imported: {result}");
        var rejected = result.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.All(rejected, r => Assert.Equal("validation_failed", r.GetProperty("code").GetString()));
        Assert.All(rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("detail").GetString())));
        Assert.StartsWith("vin", rejected[0].GetProperty("detail").GetString());
        Assert.StartsWith("plateKind", rejected[1].GetProperty("detail").GetString());
        Assert.StartsWith("ownerIdNumber", rejected[2].GetProperty("detail").GetString());
        Assert.StartsWith("energy", rejected[3].GetProperty("detail").GetString());
        Assert.StartsWith("currentPlate", rejected[4].GetProperty("detail").GetString());
        var vehicles = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me/vehicles"));
        Assert.Equal(new[] { good1, good2 }.Order(), vehicles.EnumerateArray().Select(v => v.GetProperty("vin").GetString()!).Order());
        var large = vehicles.EnumerateArray().Single(v => v.GetProperty("vin").GetString() == good2);
        Assert.Equal("large", large.GetProperty("plateKind").GetString());
        Assert.Equal("nonPure", large.GetProperty("energy").GetString());
        Assert.Equal(office, large.GetProperty("officeCode").GetString());
    }

    [Fact]
    public async Task ImportingIntoAnOfficeThatDoesNotExistIsNotFoundAndImportsNothing()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());

        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{NewOfficeCode()}/vehicles", new[]
        {
            new { vin = NewVin(), currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone },
        }));

        Assert.Equal("[]", await citizen.Client.GetStringAsync("/api/v1/me/vehicles"));
    }

    [Fact]
    public async Task ReImportingAVinUpdatesItsRecordAndItsOwner()
    {
        var office = await Api.CreateOfficeAsync();
        var (owner, vin) = await Api.ApplicantAsync(office);
        var buyer = await Api.RegisterAsync(office);

        var updated = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[]
        {
            new { vin, currentPlate = "冀A54321", plateKind = "small", energy = "fuel", ownerIdNumber = owner.IdNumber, ownerPhone = owner.Phone },
        }));
        Assert.Equal(1, updated.GetProperty("imported").GetInt32());
        var mine = (await Expect(HttpStatusCode.OK, owner.Client.GetAsync("/api/v1/me/vehicles"))).EnumerateArray().Single();
        Assert.Equal("冀A54321", mine.GetProperty("currentPlate").GetString());
        Assert.False(mine.GetProperty("eligible").GetBoolean());
        Assert.Equal("not_nev", mine.GetProperty("reason").GetString());

        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[]
        {
            new { vin, currentPlate = "冀A54321", plateKind = "small", energy = "pure", ownerIdNumber = buyer.IdNumber, ownerPhone = buyer.Phone },
        }));
        Assert.Equal("[]", await owner.Client.GetStringAsync("/api/v1/me/vehicles"));
        Assert.Equal(vin, (await Expect(HttpStatusCode.OK, buyer.Client.GetAsync("/api/v1/me/vehicles")))[0].GetProperty("vin").GetString());
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", owner.Client.PostAsync(SelectionPath(vin), null));
        await Expect(HttpStatusCode.OK, buyer.Client.PostAsync(SelectionPath(vin), null));
    }

    [Fact]
    public async Task AVehicleThatChangedOwnerMidSelectionBelongsToTheNewOwner()
    {
        var office = await Api.CreateOfficeAsync();
        var (former, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(former, vin);
        var buyer = await Api.RegisterAsync(office);

        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[]
        {
            new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = buyer.IdNumber, ownerPhone = buyer.Phone },
        }));

        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", former.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", former.Client.GetAsync(SelectionPath(vin)));
        await Expect(HttpStatusCode.OK, buyer.Client.PostAsync(SelectionPath(vin), null));
        await Expect(HttpStatusCode.OK, buyer.Client.PostAsync(SelectionPath(vin, "start"), null));
    }

    /// <summary>
    /// Either rule is fine: items apply in order (the last wins) or a repeated VIN is rejected (the first stays); what is
    /// not fine is an outcome that depends on timing.
    /// </summary>
    [Fact]
    public async Task AVinTwiceInOneImportEndsTheSameWayEveryTime()
    {
        var office = await Api.CreateOfficeAsync();
        var first = await Api.RegisterAsync(office);
        var last = await Api.RegisterAsync(office);
        var vins = Enumerable.Range(0, 20).Select(_ => NewVin()).ToList();

        var result = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles",
            vins.SelectMany(vin => new[]
            {
                new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = first.IdNumber, ownerPhone = first.Phone },
                new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = last.IdNumber, ownerPhone = last.Phone },
            })));

        var rejected = result.GetProperty("rejected").GetArrayLength();
        Assert.True(rejected is 0 or 20, $"{rejected} of 20 repeated VINs rejected");
        var (winner, loser) = rejected == 0 ? (last, first) : (first, last);
        var kept = (await Expect(HttpStatusCode.OK, winner.Client.GetAsync("/api/v1/me/vehicles"))).GetArrayLength();
        var lost = (await Expect(HttpStatusCode.OK, loser.Client.GetAsync("/api/v1/me/vehicles"))).GetArrayLength();
        Assert.True(kept == 20 && lost == 0, $"the {(rejected == 0 ? "last" : "first")} item should own all 20 vehicles: it owns {kept}, the other {lost}");
    }
}
