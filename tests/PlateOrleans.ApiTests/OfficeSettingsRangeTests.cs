namespace PlateOrleans.ApiTests;

/// <summary>An admin (or a stolen admin token) typing settings out of range: refused field by field, nothing saved, nothing public breaks.</summary>
[Collection(ApiCollection.Name)]
public sealed class OfficeSettingsRangeTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>The office as <see cref="ApiDriver.CreateOfficeAsync"/> made it, with one field replaced.</summary>
    private static Dictionary<string, object?> Office(string code, string field, object? value)
    {
        var body = new Dictionary<string, object?>
        {
            ["name"] = $"测试车管所{code}",
            ["prefix"] = "冀A",
            ["province"] = "冀",
            ["hours"] = new { from = "00:00", to = "24:00" },
            ["rules"] = new Dictionary<string, int> { ["smsConfirmDelaySeconds"] = 0 },
            [field] = value,
        };
        return body;
    }

    private static Dictionary<string, object?> Rule(string code, string rule, int value) =>
        Office(code, "rules", new Dictionary<string, int> { ["smsConfirmDelaySeconds"] = 0, [rule] = value });

    private static object Location(int slots) => new[]
    {
        new { id = "main", name = "本所", slots = Enumerable.Range(0, slots).Select(i => new { slot = $"{i / 60:00}:{i % 60:00}-{(i + 1) / 60:00}:{(i + 1) % 60:00}", capacity = 1 }).ToArray() },
    };

    [Fact]
    public async Task AnOpeningAtTheEndOfTheCalendarIsRefusedAndTheOfficeListKeepsWorking()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var admin = await Api.AdminAsync();

        await ExpectInvalid("opensAt", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "opensAt", "9999-12-31T23:59:59Z")));
        await ExpectInvalid("opensAt", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "opensAt", "0001-01-01T00:00:00Z")));
        await ExpectInvalid("opensAt", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "opensAt", "2100-01-01T00:00:00Z")));

        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
        Assert.Equal("open", (await Api.OfficeAsync(office)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task AnOpeningYearsAheadIsAcceptedAndShownAsNotYetOpen()
    {
        var office = await Api.CreateOfficeAsync();

        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "opensAt", "2099-12-31T23:59:59Z")));

        var shown = await Api.OfficeAsync(office);
        Assert.Equal("notYetOpen", shown.GetProperty("state").GetString());
        Assert.Equal(new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero), shown.GetProperty("opensAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task EveryRuleOutOfRangeIsRefusedByNameAndNothingIsSaved()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var admin = await Api.AdminAsync();
        var findings = new Findings();

        foreach (var (rule, value) in new (string, int)[]
        {
            ("drawsPerVehicle", 0), ("drawsPerVehicle", 21), ("drawsPerVehicle", int.MaxValue),
            ("platesPerDraw", 0), ("platesPerDraw", 51),
            ("batchSeconds", 0), ("batchSeconds", 3601), ("batchSeconds", int.MinValue),
            ("backupSeconds", 0), ("backupSeconds", 3601),
            ("validityDays", 0), ("validityDays", 91), ("validityDays", int.MaxValue),
            ("blacklistDays", -1), ("blacklistDays", 3651), ("blacklistDays", int.MaxValue),
            ("smsCodeSeconds", 59), ("smsCodeSeconds", 1801),
            // The cooldown has a floor: no office lets one account send codes (and guess them) in a loop.
            ("smsCooldownSeconds", 0), ("smsCooldownSeconds", 29), ("smsCooldownSeconds", 3601),
            ("smsAttempts", 0), ("smsAttempts", 11),
            ("smsConfirmDelaySeconds", -1), ("smsConfirmDelaySeconds", 61),
        })
        {
            await findings.Invalid($"{rule} = {value}", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Rule(office, rule, value)), $"rules.{rule}");
        }

        await findings.Invalid("a location with 49 slots", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "locations", Location(49))), "locations[0].slots");
        await findings.Invalid("a name of 51 characters", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "name", new string('名', 51))), "name");
        await findings.Invalid("a notice of 20,001 characters", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "notice", new { version = "v2", text = new string('字', 20_001) })), "notice.text");

        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task TheEdgesOfEveryRangeAreAccepted()
    {
        var office = await Api.CreateOfficeAsync();
        var admin = await Api.AdminAsync();

        var lowest = await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "rules", new
        {
            drawsPerVehicle = 1, platesPerDraw = 1, batchSeconds = 1, backupSeconds = 1, validityDays = 1, blacklistDays = 0,
            smsCodeSeconds = 60, smsCooldownSeconds = 30, smsAttempts = 1, smsConfirmDelaySeconds = 0,
        })));
        var highest = await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "rules", new
        {
            drawsPerVehicle = 20, platesPerDraw = 50, batchSeconds = 3600, backupSeconds = 3600, validityDays = 90, blacklistDays = 3650,
            smsCodeSeconds = 1800, smsCooldownSeconds = 3600, smsAttempts = 10, smsConfirmDelaySeconds = 60,
        })));
        await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}", Office(office, "locations", Location(48))));

        Assert.Equal(30, lowest.GetProperty("rules").GetProperty("smsCooldownSeconds").GetInt32());
        Assert.Equal(20, highest.GetProperty("rules").GetProperty("drawsPerVehicle").GetInt32());
    }
}
