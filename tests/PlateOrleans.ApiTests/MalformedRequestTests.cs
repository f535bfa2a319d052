using System.Text;
using System.Text.Json.Nodes;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Malformed requests on every endpoint that takes a body: not JSON, JSON of the wrong shape or type, missing, empty,
/// null, huge or unknown values, and wrong Content-Types. Each answers 400 validation_failed (415 for a content type that
/// is not JSON) with a problem body, never a 5xx, and changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MalformedRequestTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private const string Json = "application/json";
    private static readonly string _huge = new('x', 100_000);
    private static readonly string _hugeValue = $"\"{_huge}\"";

    /// <summary>Bodies that are not the JSON object (or, for the import, the array) an endpoint reads.</summary>
    private static IEnumerable<(string What, byte[] Body)> NotTheRightShape(string field, bool arrayIsRight)
    {
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);
        yield return ("truncated JSON", U("{\"a\":"));
        yield return ("plain text", U("hello"));
        yield return ("a string", U("\"text\""));
        yield return ("a number", U("42"));
        yield return ("a boolean", U("true"));
        yield return ("trailing garbage", U(arrayIsRight ? "[]garbage" : "{}garbage"));
        yield return ("a comment", U(arrayIsRight ? "[/* c */]" : "{/* c */}"));
        yield return ("a trailing comma", U(arrayIsRight ? "[{},]" : "{\"a\":1,}"));
        yield return ("single quotes", U(arrayIsRight ? "['a']" : "{'a':1}"));
        yield return ("nesting 10,000 deep", U(new string('[', 10_000) + new string(']', 10_000)));
        yield return ("nesting 10,000 deep in an unknown field", U("{\"extra\":" + new string('[', 10_000) + new string(']', 10_000) + "}"));
        yield return ("invalid UTF-8 in a field", [.. U($"{{\"{field}\":\""), 0xFF, 0xFE, .. U("\"}")]);
        yield return ("a lone surrogate in a field", U($"{{\"{field}\":\"\\uDC00abc\"}}"));
        yield return arrayIsRight ? ("an object for the array", U("{}")) : ("an array for the object", U("[]"));
        if (!arrayIsRight)
        {
            // (For the import an array of bad items is answered item by item: see AdminTests.)
            yield return ("an array of objects", U("[{}]"));
        }
    }

    /// <summary>Bodies with nothing in them.</summary>
    private static readonly (string What, string Body)[] _nothing = [("an empty body", ""), ("null", "null"), ("whitespace", "  \n ")];

    /// <summary>Content types that are not JSON (null: none at all).</summary>
    private static readonly string?[] _notJson =
    [
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        null,
    ];

    /// <summary>A copy of <paramref name="json"/> with the value at a dotted path replaced (or removed, for <c>"-"</c>).</summary>
    private static string With(string json, string path, string rawValue)
    {
        var root = JsonNode.Parse(json)!;
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(root, (node, part) => node[part]!).AsObject();
        if (rawValue == "-")
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(rawValue);
        }

        return root.ToJsonString();
    }

    private static string Short(string s) => s.Length > 40 ? $"{s[..20]}…({s.Length} chars)" : s;

    /// <summary>
    /// Sends every malformed variant to one endpoint. <paramref name="fieldCases"/> replace one field of the valid body:
    /// (path, raw JSON value or "-" to leave it out, the field <c>errors</c> must name).
    /// </summary>
    private static async Task ProbeAsync(
        Findings findings,
        HttpClient client,
        HttpMethod method,
        string path,
        string validBody,
        string mainField,
        IEnumerable<(string Path, string Value, string Field)> fieldCases,
        bool nothingIsValid = false,
        bool arrayIsRight = false)
    {
        var name = $"{method} {path}";
        foreach (var (what, body) in NotTheRightShape(mainField, arrayIsRight))
        {
            await findings.Invalid($"{name} with {what}", client.SendAsync(Raw(method, path, body)), null);
        }

        if (!nothingIsValid)
        {
            foreach (var (what, body) in _nothing)
            {
                await findings.Invalid($"{name} with {what}", client.SendAsync(Raw(method, path, body)), null);
            }
        }

        foreach (var type in _notJson)
        {
            await findings.Problem(
                $"{name} with Content-Type {type ?? "(none)"}",
                client.SendAsync(Raw(method, path, validBody, type)),
                null,
                (HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"),
                (HttpStatusCode.BadRequest, "validation_failed"));
        }

        foreach (var (field, value, named) in fieldCases)
        {
            await findings.Invalid($"{name} with {field} = {Short(value)}", client.SendAsync(Raw(method, path, With(validBody, field, value))), named);
        }
    }

    [Fact]
    public async Task RegistrationRefusesEveryMalformedBodyAndCreatesNoAccount()
    {
        var office = await Api.CreateOfficeAsync();
        var username = $"malformed{Next()}";
        var valid = JsonSerializer.Serialize(new { username, password = "Passw0rd!", phone = "13712345678", userType = "owner", officeCode = office, idNumber = NewIdNumber() });
        var findings = new Findings();

        await ProbeAsync(findings, Api.Anonymous(), HttpMethod.Post, "/api/v1/auth/register", valid, "username",
        [
            ("username", "123", "username"), ("username", "null", "username"), ("username", "-", "username"), ("username", "\"\"", "username"),
            ("username", _hugeValue, "username"), ("username", "\"名字abc\"", "username"), ("username", "[\"a\"]", "username"),
            ("password", "\"short\"", "password"), ("password", _hugeValue, "password"), ("password", "12345678", "password"), ("password", "-", "password"),
            ("phone", "\"1371234567\"", "phone"), ("phone", "\"23712345678\"", "phone"), ("phone", "\"+8613712345678\"", "phone"),
            ("phone", "13712345678", "phone"), ("phone", _hugeValue, "phone"), ("phone", "-", "phone"),
            ("userType", "\"superuser\"", "userType"), ("userType", "\"\"", "userType"), ("userType", "1", "userType"),
            ("userType", "null", "userType"), ("userType", _hugeValue, "userType"),
            ("officeCode", "\"999999\"", "officeCode"), ("officeCode", "\"13000\"", "officeCode"), ("officeCode", int.Parse(office, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture), "officeCode"),
            ("officeCode", "\"../../x\"", "officeCode"), ("officeCode", _hugeValue, "officeCode"),
            ("idNumber", "\"130102199001011230\"", "idNumber"), ("idNumber", _hugeValue, "idNumber"), ("idNumber", "-", "idNumber"),
        ]);
        var empty = await ExpectProblem(HttpStatusCode.BadRequest, "validation_failed", Api.Anonymous().SendAsync(Raw(HttpMethod.Post, "/api/v1/auth/register", "{}")));
        foreach (var field in new[] { "username", "password", "phone", "userType", "officeCode", "idNumber" })
        {
            if (!empty.GetProperty("errors").TryGetProperty(field, out _))
            {
                findings.Add($"register with {{}}: errors do not name {field}: {empty.GetRawText()}");
            }
        }

        findings.AssertNone();
        await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username, password = "Passw0rd!" }));
        await Expect(HttpStatusCode.Created, Api.Anonymous().SendAsync(Raw(HttpMethod.Post, "/api/v1/auth/register", valid)));
    }

    [Fact]
    public async Task TheTokenEndpointRefusesEveryMalformedBody()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var valid = JsonSerializer.Serialize(new { username = citizen.Username, password = "Passw0rd!" });
        var findings = new Findings();

        await ProbeAsync(findings, Api.Anonymous(), HttpMethod.Post, "/api/v1/auth/token", valid, "username",
        [
            ("username", "5", "username"), ("username", "-", "username"), ("username", "null", "username"), ("username", _hugeValue, "username"),
            ("password", "-", "password"), ("password", "true", "password"), ("password", _hugeValue, "password"),
        ]);

        findings.AssertNone();
        await Expect(HttpStatusCode.OK, Api.Anonymous().SendAsync(Raw(HttpMethod.Post, "/api/v1/auth/token", valid)));
    }

    [Fact]
    public async Task InfoConfirmationRefusesEveryMalformedBodyAndStaysAtConfirmInfo()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        var version = (await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice")).GetProperty("version").GetString();
        var before = await Api.SnapshotAsync(citizen, vin);
        var findings = new Findings();

        await ProbeAsync(findings, citizen.Client, HttpMethod.Post, SelectionPath(vin, "info-confirmation"), JsonSerializer.Serialize(new { noticeVersion = version }), "noticeVersion",
        [
            ("noticeVersion", "-", "noticeVersion"), ("noticeVersion", "5", "noticeVersion"), ("noticeVersion", "\"\"", "noticeVersion"),
            ("noticeVersion", "null", "noticeVersion"), ("noticeVersion", _hugeValue, "noticeVersion"), ("noticeVersion", $"[\"{version}\"]", "noticeVersion"),
            ("noticeVersion", "{\"version\":1}", "noticeVersion"),
        ]);

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task VerificationRefusesEveryMalformedBodyAndSpendsNoAttempt()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var client = citizen.Client;
        await Expect(HttpStatusCode.OK, client.PostAsync(SelectionPath(vin), null));
        var version = (await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice")).GetProperty("version").GetString();
        await Expect(HttpStatusCode.OK, client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = version }));
        await Expect(HttpStatusCode.OK, client.PostAsync(SelectionPath(vin, "start"), null));
        await Expect(HttpStatusCode.Accepted, client.PostAsync(SelectionPath(vin, "sms-code"), null));
        var code = await Api.LatestCodeAsync(citizen.Phone);
        var before = await Api.SnapshotAsync(citizen, vin);
        var findings = new Findings();

        await ProbeAsync(findings, client, HttpMethod.Post, SelectionPath(vin, "verification"), JsonSerializer.Serialize(new { code }), "code",
        [
            ("code", "-", "code"), ("code", "123456", "code"), ("code", "null", "code"), ("code", "\"12345\"", "code"), ("code", "\"1234567\"", "code"),
            ("code", "\"abcdef\"", "code"), ("code", "\"１２３４５６\"", "code"), ("code", "\" 12345\"", "code"), ("code", _hugeValue, "code"),
            ("code", $"[\"{code}\"]", "code"),
        ]);

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        var wrong = await ExpectProblem(HttpStatusCode.BadRequest, "sms_code_invalid", client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code = code == "000000" ? "000001" : "000000" }));
        Assert.Equal(4, wrong.GetProperty("attemptsLeft").GetInt32());
    }

    [Fact]
    public async Task DrawsRefuseEveryMalformedBodyAndSpendNoDraw()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);
        var findings = new Findings();

        // excludeFour may be left out (it defaults to false), so an empty body or null is a valid draw: not probed here.
        await ProbeAsync(findings, citizen.Client, HttpMethod.Post, SelectionPath(vin, "draws"), "{\"excludeFour\":true}", "excludeFour",
        [
            ("excludeFour", "\"yes\"", "excludeFour"), ("excludeFour", "\"true\"", "excludeFour"), ("excludeFour", "1", "excludeFour"),
            ("excludeFour", "[]", "excludeFour"), ("excludeFour", "{}", "excludeFour"), ("excludeFour", _hugeValue, "excludeFour"),
        ], nothingIsValid: true);

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Theory]
    [InlineData("backups")]
    [InlineData("confirmation")]
    public async Task BackupsAndConfirmationsRefuseEveryMalformedBodyAndChangeNothing(string step)
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        if (step == "confirmation")
        {
            await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[0] }));
        }

        var before = await Api.SnapshotAsync(citizen, vin);
        var findings = new Findings();

        await ProbeAsync(findings, citizen.Client, HttpMethod.Post, SelectionPath(vin, step), JsonSerializer.Serialize(new { plate = plates[0] }), "plate",
        [
            ("plate", "-", "plate"), ("plate", "null", "plate"), ("plate", "5", "plate"), ("plate", "\"\"", "plate"), ("plate", _hugeValue, "plate"),
            ("plate", "\"冀A\"", "plate"), ("plate", "\"冀AD0000O\"", "plate"), ("plate", "\"冀ad00001\"", "plate"), ("plate", "\"冀A·D00001\"", "plate"),
            ("plate", $"[\"{plates[0]}\"]", "plate"), ("plate", $"{{\"plate\":\"{plates[0]}\"}}", "plate"),
        ]);

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ExchangesRefuseEveryMalformedBodyAndChangeNothing()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var before = await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin);
        var findings = new Findings();

        await ProbeAsync(findings, await Api.AdminAsync(), HttpMethod.Post, $"/api/v1/admin/offices/{confirmed.Office}/exchanges",
            JsonSerializer.Serialize(new { plate = confirmed.Plate }), "plate",
        [
            ("plate", "-", "plate"), ("plate", "null", "plate"), ("plate", "5", "plate"), ("plate", "\"\"", "plate"), ("plate", _hugeValue, "plate"),
            ("plate", "\"冀A\"", "plate"), ("plate", $"[\"{confirmed.Plate}\"]", "plate"),
            ("voucherCode", "5", "voucherCode"), ("voucherCode", "\"short\"", "voucherCode"), ("voucherCode", _hugeValue, "voucherCode"),
            ("voucherCode", $"\"{confirmed.Voucher.ToLowerInvariant()}\"", "voucherCode"),
        ]);

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin));
    }

    [Fact]
    public async Task CreatingAUserRefusesEveryMalformedBodyAndCreatesNoOne()
    {
        var office = await Api.CreateOfficeAsync();
        var username = $"malformedop{Next()}";
        var valid = JsonSerializer.Serialize(new { username, password = "Operator-Passw0rd", role = "operator", officeCode = office });
        var findings = new Findings();

        await ProbeAsync(findings, await Api.AdminAsync(), HttpMethod.Post, "/api/v1/admin/users", valid, "username",
        [
            ("username", "-", "username"), ("username", "7", "username"), ("username", _hugeValue, "username"),
            ("password", "-", "password"), ("password", "\"short\"", "password"), ("password", _hugeValue, "password"),
            ("role", "-", "role"), ("role", "\"root\"", "role"), ("role", "\"Admin\"", "role"), ("role", "1", "role"), ("role", _hugeValue, "role"),
            ("officeCode", "-", "officeCode"), ("officeCode", "\"999999\"", "officeCode"), ("officeCode", _hugeValue, "officeCode"), ("officeCode", "130001", "officeCode"),
        ]);

        findings.AssertNone();
        await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username, password = "Operator-Passw0rd" }));
    }

    [Fact]
    public async Task PuttingAnOfficeRefusesEveryMalformedBodyAndLeavesTheOfficeAsItWas()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var valid = JsonSerializer.Serialize(new
        {
            name = $"测试车管所{office}",
            prefix = "冀A",
            province = "冀",
            opensAt = (DateTimeOffset?)null,
            hours = new { from = "00:00", to = "24:00" },
            maintenance = true,
            crossRegion = false,
            rules = new { drawsPerVehicle = 3, platesPerDraw = 5, batchSeconds = 30, backupSeconds = 30, validityDays = 7, blacklistDays = 30, smsConfirmDelaySeconds = 0 },
            locations = new[] { new { id = "main", name = "本所", slots = new[] { new { slot = "09:00-10:00", capacity = 10 } } } },
        });
        var findings = new Findings();

        await ProbeAsync(findings, await Api.AdminAsync(), HttpMethod.Put, $"/api/v1/admin/offices/{office}", valid, "name",
        [
            ("name", "-", "name"), ("name", "\"\"", "name"), ("name", "\"   \"", "name"), ("name", "5", "name"), ("name", _hugeValue, "name"),
            ("prefix", "-", "prefix"), ("prefix", "\"冀\"", "prefix"), ("prefix", "\"冀a\"", "prefix"), ("prefix", _hugeValue, "prefix"),
            ("province", "-", "province"), ("province", "\"河北\"", "province"), ("province", "1", "province"), ("province", _hugeValue, "province"),
            ("opensAt", "\"tomorrow\"", "opensAt"), ("opensAt", "5", "opensAt"), ("opensAt", "\"2026-02-30T00:00:00Z\"", "opensAt"), ("opensAt", _hugeValue, "opensAt"),
            ("hours", "\"00:00-24:00\"", "hours"), ("hours.from", "\"0:00\"", "hours.from"), ("hours.from", "\"24:00\"", "hours.from"), ("hours.from", "0", "hours.from"),
            ("hours.to", "-", "hours.to"), ("hours.to", "\"24:01\"", "hours.to"), ("hours.to", _hugeValue, "hours.to"),
            ("maintenance", "\"yes\"", "maintenance"), ("maintenance", "1", "maintenance"), ("crossRegion", "\"false\"", "crossRegion"),
            ("rules", "\"strict\"", "rules"), ("rules.drawsPerVehicle", "\"3\"", "rules.drawsPerVehicle"), ("rules.drawsPerVehicle", "2.5", "rules.drawsPerVehicle"),
            ("rules.drawsPerVehicle", "1e10", "rules.drawsPerVehicle"), ("rules.drawsPerVehicle", "99999999999999999999", "rules.drawsPerVehicle"),
            ("rules.batchSeconds", "true", "rules.batchSeconds"),
            ("locations", "\"main\"", "locations"), ("locations", "[null]", "locations[0]"), ("locations", "[{\"id\":\"a b\",\"name\":\"x\"}]", "locations[0].id"),
            ("locations", "[{\"id\":\"a\",\"name\":\"\"}]", "locations[0].name"), ("locations", $"[{{\"id\":{_hugeValue},\"name\":\"x\"}}]", "locations[0].id"),
            ("locations", "[{\"id\":\"a\",\"name\":\"x\",\"slots\":[{\"slot\":\"9-10\",\"capacity\":1}]}]", "locations[0].slots[0]"),
            ("locations", "[{\"id\":\"a\",\"name\":\"x\",\"slots\":[{\"slot\":\"09:00-10:00\",\"capacity\":-1}]}]", "locations[0].slots[0]"),
            ("locations", "[{\"id\":\"a\",\"name\":\"x\",\"slots\":[null]}]", "locations[0].slots[0]"),
            ("locations", "[{\"id\":\"a\",\"name\":\"x\"},{\"id\":\"a\",\"name\":\"y\"}]", "locations[1].id"),
        ]);
        var admin = await Api.AdminAsync();
        await findings.Invalid("PUT an office with a code that is not a division code", admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/admin/offices/abc", valid)), "code");
        await findings.Invalid("PUT an office with the code of no province", admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/admin/offices/990000", valid)), "code");

        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task PublishingAPoolRefusesEveryMalformedBodyAndLeavesThePoolAsItWas()
    {
        var office = await Api.CreateOfficeAsync();
        var before = await Api.OfficeSnapshotAsync(office);
        var valid = "{\"series\":[{\"plateKind\":\"small\",\"energyLetter\":\"D\",\"blocks\":[\"DA####\"]}]}";
        var findings = new Findings();

        await ProbeAsync(findings, await Api.AdminAsync(), HttpMethod.Put, $"/api/v1/admin/offices/{office}/pool", valid, "series",
        [
            ("series", "-", "series"), ("series", "null", "series"), ("series", "\"D0####\"", "series"), ("series", "[null]", "series[0]"),
            ("series", "[{\"plateKind\":\"bus\",\"energyLetter\":\"D\",\"blocks\":[\"D0####\"]}]", "series[0].plateKind"),
            ("series", "[{\"plateKind\":1,\"energyLetter\":\"D\",\"blocks\":[\"D0####\"]}]", "series[0].plateKind"),
            ("series", $"[{{\"plateKind\":{_hugeValue},\"energyLetter\":\"D\",\"blocks\":[\"D0####\"]}}]", "series[0].plateKind"),
            ("series", "[{\"energyLetter\":\"D\",\"blocks\":[\"D0####\"]}]", "series[0].plateKind"),
            ("series", "[{\"plateKind\":\"small\",\"energyLetter\":68,\"blocks\":[\"D0####\"]}]", "series[0].energyLetter"),
            ("series", "[{\"plateKind\":\"small\",\"energyLetter\":\"D\",\"blocks\":\"D0####\"}]", "series[0].blocks"),
            ("series", "[{\"plateKind\":\"small\",\"energyLetter\":\"D\",\"blocks\":[5]}]", "series[0].blocks[0]"),
            ("series", "[{\"plateKind\":\"small\",\"energyLetter\":\"D\"}]", "series[0].blocks"),
            ("series", $"[{{\"plateKind\":\"small\",\"energyLetter\":\"D\",\"blocks\":[{_hugeValue}]}}]", "series[0].blocks"),
        ]);

        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task ImportingVehiclesRefusesEveryMalformedBodyAndImportsNothing()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vehicles = await citizen.Client.GetStringAsync("/api/v1/me/vehicles");
        var valid = JsonSerializer.Serialize(new[] { new { vin = NewVin(), currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone } });
        var findings = new Findings();

        await ProbeAsync(findings, await Api.AdminAsync(), HttpMethod.Post, $"/api/v1/admin/offices/{office}/vehicles", valid, "vin", [], arrayIsRight: true);
        var tooMany = "[" + string.Join(",", Enumerable.Repeat("{}", 10_001)) + "]";
        await findings.Invalid("import of 10,001 vehicles", (await Api.AdminAsync()).SendAsync(Raw(HttpMethod.Post, $"/api/v1/admin/offices/{office}/vehicles", tooMany)), "body");

        findings.AssertNone();
        Assert.Equal(vehicles, await citizen.Client.GetStringAsync("/api/v1/me/vehicles"));
        Assert.Equal("[]", vehicles);
    }

    [Fact]
    public async Task AnUnknownCharsetIsRefusedAsAnUnsupportedBodyNotAnInternalError()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);
        var admin = await Api.AdminAsync();
        var findings = new Findings();
        (HttpStatusCode, string)[] accepted = [(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type"), (HttpStatusCode.BadRequest, "validation_failed")];

        foreach (var charset in new[] { "bogus", "utf-9", "\"x\"" })
        {
            var type = $"{Json}; charset={charset}";
            await findings.Problem($"register with {type}", Api.Anonymous().SendAsync(Raw(HttpMethod.Post, "/api/v1/auth/register", "{}", type)), null, accepted);
            await findings.Problem($"token with {type}", Api.Anonymous().SendAsync(Raw(HttpMethod.Post, "/api/v1/auth/token", "{}", type)), null, accepted);
            await findings.Problem($"draws with {type}", citizen.Client.SendAsync(Raw(HttpMethod.Post, SelectionPath(vin, "draws"), "{}", type)), null, accepted);
            await findings.Problem($"import with {type}", admin.SendAsync(Raw(HttpMethod.Post, $"/api/v1/admin/offices/{citizen.OfficeCode}/vehicles", "[]", type)), null, accepted);
        }

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
    }

    [Fact]
    public async Task ACommaListOfEnumValuesIsNotAValue()
    {
        var office = await Api.CreateOfficeAsync();
        var username = $"commalist{Next()}";
        var before = await Api.OfficeSnapshotAsync(office);
        var findings = new Findings();

        await findings.Invalid("register with userType \"newCarOwner, learner\"", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new
        {
            username,
            password = "Passw0rd!",
            phone = "13712345678",
            userType = "newCarOwner, learner",
            officeCode = office,
            idNumber = NewIdNumber(),
        }), "userType");
        await findings.Invalid("pool with plateKind \"small, large\"", (await Api.AdminAsync()).SendAsync(Raw(HttpMethod.Put, $"/api/v1/admin/offices/{office}/pool",
            "{\"series\":[{\"plateKind\":\"small, large\",\"energyLetter\":\"D\",\"blocks\":[\"12###D\"]}]}")), "series[0].plateKind");

        findings.AssertNone();
        await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username, password = "Passw0rd!" }));
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
    }

    [Fact]
    public async Task ABadIdempotencyKeyIsAValidationErrorAndSpendsNoDraw()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var before = await Api.SnapshotAsync(citizen, vin);
        var findings = new Findings();

        foreach (var (what, key) in new[] { ("129 characters", new string('k', 129)), ("10,000 characters", new string('k', 10_000)), ("non-ASCII", "重试-1"), ("a space", "retry 1"), ("a tab", "retry\t1") })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "draws")) { Content = JsonContent.Create(new { excludeFour = false }) };
            Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", key));
            await findings.Invalid($"Idempotency-Key with {what}", citizen.Client.SendAsync(request), "Idempotency-Key");
        }

        // Two keys: which one would a retry be matched by?
        var twice = new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "draws")) { Content = JsonContent.Create(new { excludeFour = false }) };
        Assert.True(twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["retry-1", "retry-2"]));
        await findings.Invalid("two Idempotency-Keys", citizen.Client.SendAsync(twice), "Idempotency-Key");

        findings.AssertNone();
        Assert.Equal(before, await Api.SnapshotAsync(citizen, vin));
        // The longest key allowed works.
        var longest = new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "draws")) { Content = JsonContent.Create(new { excludeFour = false }) };
        longest.Headers.Add("Idempotency-Key", new string('k', 128));
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(longest))).GetProperty("remainingDraws").GetInt32());
    }
}
