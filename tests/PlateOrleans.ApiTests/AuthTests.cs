using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PlateOrleans.ApiTests;

/// <summary>Tokens, credentials, roles and office scopes, and the rules of registration.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    /// <summary>A token as the API would issue it, with its times and signing key to choose.</summary>
    private static string Token(string username, DateTime issuedAt, DateTime expires, string key = ApiFactory.SigningKey, string issuer = "PlateOrleans", string role = "citizen") =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "PlateOrleans",
            Claims = new Dictionary<string, object> { ["sub"] = username, ["role"] = role },
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });

    private static string Base64Url(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    private HttpClient With(string scheme, string parameter)
    {
        var client = Api.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", parameter.Length == 0 ? scheme : $"{scheme} {parameter}");
        return client;
    }

    [Fact]
    public async Task NoTokenOrABadTokenIsUnauthenticatedWithAProblemBody()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());
        var now = DateTime.UtcNow;
        var expired = Token(citizen.Username, now.AddHours(-3), now.AddHours(-1));
        var otherKey = Token(citizen.Username, now, now.AddHours(1), key: "another-signing-key-0123456789-0123456789-0123456789");
        var otherIssuer = Token(citizen.Username, now, now.AddHours(1), issuer: "SomeoneElse");
        var notYetValid = Token(citizen.Username, now.AddHours(1), now.AddHours(2));
        var unsigned = $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url($"{{\"sub\":\"{citizen.Username}\",\"role\":\"admin\",\"iss\":\"PlateOrleans\",\"aud\":\"PlateOrleans\",\"exp\":{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}")}.";
        var clients = new (string What, HttpClient Client)[]
        {
            ("no token", Api.Anonymous()),
            ("garbage", With("Bearer", "garbage")),
            ("an empty bearer", With("Bearer", "")),
            ("another scheme", With("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{citizen.Username}:Passw0rd!")))),
            ("an expired token", With("Bearer", expired)),
            ("a token of another key", With("Bearer", otherKey)),
            ("a token of another issuer", With("Bearer", otherIssuer)),
            ("a token not valid yet", With("Bearer", notYetValid)),
            ("an unsigned admin token", With("Bearer", unsigned)),
            ("a truncated token", With("Bearer", expired[..^10])),
            ("a 10,000-character token", With("Bearer", new string('a', 10_000))),
        };
        var findings = new Findings();

        foreach (var (what, client) in clients)
        {
            foreach (var (method, path) in new[] { ("GET", "/api/v1/me"), ("GET", "/api/v1/me/vehicles"), ("POST", $"/api/v1/selections/{NewVin()}"), ("POST", "/api/v1/admin/users") })
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                await findings.Problem($"{method} {path} with {what}", client.SendAsync(request), null, (HttpStatusCode.Unauthorized, "unauthenticated"));
            }
        }

        findings.AssertNone();
        var answer = await Api.Anonymous().GetAsync("/api/v1/me");
        Assert.Contains(answer.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task AValidTokenOfAnAccountThatDoesNotExistIsUnauthenticated()
    {
        var (_, vin) = await Api.ApplicantAsync();
        var ghost = With("Bearer", Token($"ghost{Next()}", DateTime.UtcNow, DateTime.UtcNow.AddHours(1)));

        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", ghost.GetAsync("/api/v1/me"));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", ghost.PostAsync(SelectionPath(vin), null));
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownUserAreTheSameInvalidCredentials()
    {
        var citizen = await Api.RegisterAsync(await Api.CreateOfficeAsync());

        var wrong = await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = "Wrong-Passw0rd" }));
        var unknown = await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = $"nobody{Next()}", password = "Passw0rd!" }));

        // The answers do not tell a probing client which usernames exist.
        Assert.Equal(wrong.GetProperty("detail").GetString(), unknown.GetProperty("detail").GetString());
        var token = await Expect(HttpStatusCode.OK, Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = "Passw0rd!" }));
        Assert.Equal("Bearer", token.GetProperty("tokenType").GetString());
        Assert.True(token.GetProperty("expiresIn").GetInt32() > 0);
    }

    [Fact]
    public async Task ACitizenIsForbiddenEveryAdminEndpointAndChangesNothing()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var before = await Api.OfficeSnapshotAsync(office);
        var client = citizen.Client;
        var findings = new Findings();

        await findings.Problem("create a user", client.PostAsJsonAsync("/api/v1/admin/users", new { username = $"sneaky{Next()}", password = "Passw0rd!", role = "admin" }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("put the office", client.PutAsJsonAsync($"/api/v1/admin/offices/{office}", new { name = "x", prefix = "冀A", province = "冀", maintenance = true }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("publish the pool", client.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", new { series = Array.Empty<object>() }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("import vehicles", client.PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[] { new { vin = NewVin(), currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone } }), null, (HttpStatusCode.Forbidden, "forbidden"));

        findings.AssertNone();
        Assert.Equal(before, await Api.OfficeSnapshotAsync(office));
        Assert.Equal("[]", await client.GetStringAsync("/api/v1/me/vehicles"));
    }

    [Fact]
    public async Task AnOperatorRunsItsOwnOfficeOnly()
    {
        var own = await Api.CreateOfficeAsync();
        var other = await Api.CreateOfficeAsync();
        var op = await Api.OperatorAsync(own);
        var citizen = await Api.RegisterAsync(own);
        var otherBefore = await Api.OfficeSnapshotAsync(other);

        var published = await Expect(HttpStatusCode.OK, op.PutAsJsonAsync($"/api/v1/admin/offices/{own}/pool", new { series = new[] { new { plateKind = "small", energyLetter = "D", blocks = new[] { "D1####" } } } }));
        Assert.Equal(10_000, published.GetProperty("series")[0].GetProperty("available").GetInt32());
        var vin = NewVin();
        var imported = await Expect(HttpStatusCode.OK, op.PostAsJsonAsync($"/api/v1/admin/offices/{own}/vehicles", new[] { new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone } }));
        Assert.Equal(1, imported.GetProperty("imported").GetInt32());
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        Assert.Equal("confirmInfo", (await Expect(HttpStatusCode.OK, op.GetAsync(SelectionPath(vin)))).GetProperty("stage").GetString());

        var findings = new Findings();
        await findings.Problem("publish another office's pool", op.PutAsJsonAsync($"/api/v1/admin/offices/{other}/pool", new { series = Array.Empty<object>() }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("import into another office", op.PostAsJsonAsync($"/api/v1/admin/offices/{other}/vehicles", new[] { new { vin = NewVin(), currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone } }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("put its own office (admin only)", op.PutAsJsonAsync($"/api/v1/admin/offices/{own}", new { name = "x", prefix = "冀A", province = "冀", maintenance = true }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("put another office", op.PutAsJsonAsync($"/api/v1/admin/offices/{other}", new { name = "x", prefix = "冀A", province = "冀", maintenance = true }), null, (HttpStatusCode.Forbidden, "forbidden"));
        await findings.Problem("create a user (admin only)", op.PostAsJsonAsync("/api/v1/admin/users", new { username = $"op{Next()}", password = "Passw0rd!", role = "admin" }), null, (HttpStatusCode.Forbidden, "forbidden"));
        findings.AssertNone();

        Assert.Equal(otherBefore, await Api.OfficeSnapshotAsync(other));
        Assert.Equal("open", (await Api.OfficeAsync(own)).GetProperty("state").GetString());
        // Another office's operator may not read this office's selections.
        var stranger = await Api.OperatorAsync(other);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync(SelectionPath(vin))).StatusCode);
    }

    [Fact]
    public async Task AnOperatorCannotTakeOverAVehicleOfAnotherOffice()
    {
        var own = await Api.CreateOfficeAsync();
        var (citizen, vin) = await Api.ApplicantAsync();
        var op = await Api.OperatorAsync(own);
        var vehiclesBefore = await citizen.Client.GetStringAsync("/api/v1/me/vehicles");

        var answer = await op.PostAsJsonAsync($"/api/v1/admin/offices/{own}/vehicles", new[] { new { vin, currentPlate = "冀A54321", plateKind = "small", energy = "pure", ownerIdNumber = NewIdNumber() } });

        if (answer.StatusCode == HttpStatusCode.OK)
        {
            var result = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(0, result.GetProperty("imported").GetInt32());
            Assert.Equal(0, result.GetProperty("rejected")[0].GetProperty("index").GetInt32());
        }
        else
        {
            await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", Task.FromResult(answer));
        }

        Assert.Equal(vehiclesBefore, await citizen.Client.GetStringAsync("/api/v1/me/vehicles"));
    }

    [Fact]
    public async Task MeShowsTheMaskedPhoneTheRolesAndNoBlacklist()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office, "learner");

        var me = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));

        Assert.Equal(citizen.Username, me.GetProperty("username").GetString());
        Assert.Equal("learner", me.GetProperty("userType").GetString());
        Assert.Equal(office, me.GetProperty("officeCode").GetString());
        Assert.Equal($"{citizen.Phone[..3]}****{citizen.Phone[7..]}", me.GetProperty("phone").GetString());
        Assert.DoesNotContain(citizen.Phone, me.GetRawText());
        Assert.DoesNotContain(citizen.IdNumber, me.GetRawText());
        Assert.Equal(["citizen"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(JsonValueKind.Null, me.GetProperty("blacklistedUntil").ValueKind);
        var admin = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).GetAsync("/api/v1/me"));
        Assert.Equal(["admin"], admin.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var op = await Expect(HttpStatusCode.OK, (await Api.OperatorAsync(office)).GetAsync("/api/v1/me"));
        Assert.Equal(["operator"], op.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(office, op.GetProperty("officeCode").GetString());
    }

    [Fact]
    public async Task ATakenUsernameIsRefusedAndTheFirstAccountIsUntouched()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);

        await ExpectProblem(HttpStatusCode.Conflict, "username_taken", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new
        {
            username = citizen.Username,
            password = "Other-Passw0rd",
            phone = "13900000000",
            userType = "owner",
            officeCode = office,
            idNumber = NewIdNumber(),
        }));
        await ExpectProblem(HttpStatusCode.Conflict, "username_taken", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new
        {
            username = ApiFactory.AdminUsername,
            password = "Other-Passw0rd",
            phone = "13900000000",
            userType = "owner",
            officeCode = office,
            idNumber = NewIdNumber(),
        }));

        await ExpectProblem(HttpStatusCode.Unauthorized, "invalid_credentials", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = "Other-Passw0rd" }));
        var me = await Expect(HttpStatusCode.OK, (await Api.SignInAsync(citizen.Username, "Passw0rd!")).GetAsync("/api/v1/me"));
        Assert.EndsWith(citizen.Phone[7..], me.GetProperty("phone").GetString());
        Assert.Equal(["admin"], (await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).GetAsync("/api/v1/me"))).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TwentyConcurrentRegistrationsOfOneUsernameMakeOneAccount()
    {
        var office = await Api.CreateOfficeAsync();
        var username = $"race{Next()}";
        var phones = Enumerable.Range(0, 20).Select(i => $"1390000{i:0000}").ToList();

        var answers = await Task.WhenAll(phones.Select(phone => Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new
        {
            username,
            password = "Passw0rd!",
            phone,
            userType = "owner",
            officeCode = office,
            idNumber = NewIdNumber(),
        })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var me = await Expect(HttpStatusCode.OK, (await Api.SignInAsync(username, "Passw0rd!")).GetAsync("/api/v1/me"));
        Assert.Contains(phones, p => me.GetProperty("phone").GetString() == $"{p[..3]}****{p[7..]}");
    }

    [Fact]
    public async Task RegistrationRulesNameTheFieldThatBreaksThem()
    {
        var office = await Api.CreateOfficeAsync();
        // About one person's ID number in 31 also passes as a credit code (its last character happens to be the
        // credit check): take one that does not, or "a unit with a person's ID number" would register.
        var person = NewIdNumber();
        while (PlateOrleans.Contracts.Formats.IdNumbers.IsValidCreditCode(person))
        {
            person = NewIdNumber();
        }

        var wrongCheck = person[..17] + (person[17] == '0' ? '1' : '0');
        var credit = PlateOrleans.Contracts.Formats.IdNumbers.CreditWithCheck($"911301{Next():00000000000}");
        object Body(string field, string? value, string userType = "owner")
        {
            var body = new Dictionary<string, string?>
            {
                ["username"] = $"rules{Next()}",
                ["password"] = "Passw0rd!",
                ["phone"] = "13712345678",
                ["userType"] = userType,
                ["officeCode"] = office,
                ["idNumber"] = userType == "unit" ? credit : person,
            };
            body[field] = value;
            return body;
        }

        var findings = new Findings();
        foreach (var (what, body, field) in new[]
        {
            ("a phone of 10 digits", Body("phone", "1371234567"), "phone"),
            ("a phone not starting with 1", Body("phone", "23712345678"), "phone"),
            ("a phone with letters", Body("phone", "1371234567a"), "phone"),
            ("an ID number with a wrong check digit", Body("idNumber", wrongCheck), "idNumber"),
            ("an ID number with an impossible birth date", Body("idNumber", PlateOrleans.Contracts.Formats.IdNumbers.PersonWithCheck("13010219901301123")), "idNumber"),
            ("a unit with a person's ID number", Body("idNumber", person, "unit"), "idNumber"),
            ("a person with a unit's credit code", Body("idNumber", credit), "idNumber"),
            ("a unit credit code with a wrong check", Body("idNumber", credit[..17] + (credit[17] == '0' ? '1' : '0'), "unit"), "idNumber"),
            ("an unknown office", Body("officeCode", "139999"), "officeCode"),
            ("a password of 7 characters", Body("password", "Passw0r"), "password"),
            ("a password of 65 characters", Body("password", new string('p', 65)), "password"),
            ("a username with a space", Body("username", "a b c"), "username"),
            ("a username of 2 characters", Body("username", "ab"), "username"),
        })
        {
            await findings.Invalid($"register with {what}", Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", body), field);
        }

        findings.AssertNone();
    }
}
