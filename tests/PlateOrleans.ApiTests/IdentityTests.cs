using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PlateOrleans.Api.Auth;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Only the owner selects: each test is an attacker's attempt (a squatter with the owner's ID number, a stale token,
/// a second account to escape a blacklist, a flood of passwords) and the refusal they get.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdentityTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private Task<HttpResponseMessage> Register(string username, string idNumber, string officeCode, string phone = "13912345678", string userType = "owner") =>
        Api.Anonymous().PostAsJsonAsync("/api/v1/auth/register", new { username, password = "Passw0rd!", phone, userType, officeCode, idNumber });

    [Fact]
    public async Task ASquatterWithTheOwnersIdNumberCannotRegisterAndTheHolderIsNotNamed()
    {
        var (owner, _) = await Api.ApplicantAsync();

        var refused = await ExpectProblem(HttpStatusCode.Conflict, "id_number_taken", Register($"squatter{Next()}", owner.IdNumber, owner.OfficeCode));

        Assert.DoesNotContain(owner.Username, refused.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await UsersAsync($"idNumber={owner.IdNumber}", u => u.GetProperty("username").GetString() != owner.Username));
    }

    [Fact]
    public async Task AUnitsCreditCodeRegistersOnceToo()
    {
        var office = await Api.CreateOfficeAsync();
        var unit = await Api.RegisterAsync(office, "unit");

        await ExpectProblem(HttpStatusCode.Conflict, "id_number_taken", Register($"squatter{Next()}", unit.IdNumber, office, userType: "unit"));
    }

    [Fact]
    public async Task ConcurrentRegistrationsOfOneIdNumberMakeExactlyOneAccount()
    {
        var office = await Api.CreateOfficeAsync();
        var idNumber = NewIdNumber();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Register($"racer{Next()}", idNumber, office)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Single(await UsersAsync($"idNumber={idNumber}"));
    }

    [Fact]
    public async Task UsernamesThatDifferOnlyInCaseAreOneAccount()
    {
        var office = await Api.CreateOfficeAsync();
        var username = $"CaseUser{Next()}";
        await Expect(HttpStatusCode.Created, Register(username, NewIdNumber(), office));

        await ExpectProblem(HttpStatusCode.Conflict, "username_taken", Register(username.ToLowerInvariant(), NewIdNumber(), office));

        var me = await Expect(HttpStatusCode.OK, (await Api.SignInAsync(username.ToUpperInvariant(), "Passw0rd!")).GetAsync("/api/v1/me"));
        Assert.Equal(username, me.GetProperty("username").GetString());
    }

    [Fact]
    public async Task TheCodeGoesToThePhoneOnTheOfficesRecordNeverToTheOneTypedAtRegistration()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var onRecord = $"136{Next():00000000}";
        var vin = await Api.ImportVehicleAsync(office, citizen with { Phone = onRecord });
        await Api.WalkToVerifyIdentityAsync(citizen, vin);

        var sent = await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));

        Assert.Equal($"{onRecord[..3]}****{onRecord[7..]}", sent.GetProperty("sentTo").GetString());
        Assert.Empty((await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/dev/sms?phone={citizen.Phone}"))).EnumerateArray());
        var code = await Api.LatestCodeAsync(onRecord);
        Assert.Equal("drawing", (await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "verification"), new { code }))).GetProperty("stage").GetString());
    }

    [Fact]
    public async Task WithoutAPhoneOnRecordNoCodeIsSentUntilTheOfficeImportsOne()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vin = NewVin();
        var admin = await Api.AdminAsync();
        await Expect(HttpStatusCode.OK, admin.PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[] { new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber } }));
        await Api.WalkToVerifyIdentityAsync(citizen, vin);

        await ExpectProblem(HttpStatusCode.Conflict, "no_phone_on_record", citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));

        // The owner showed their ID card at the window; the office imports the phone, and the next code goes there.
        await Expect(HttpStatusCode.OK, admin.PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", new[] { new { vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = citizen.IdNumber, ownerPhone = citizen.Phone } }));
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));
        Assert.Matches("^[0-9]{6}$", await Api.LatestCodeAsync(citizen.Phone));
    }

    [Fact]
    public async Task ADisabledAccountsTokensStopAtOnceAndItsIdNumberIsFreeForTheRealPerson()
    {
        var (squatter, _) = await Api.ApplicantAsync();
        await KeptByTheApiAsync(squatter);
        var admin = await Api.AdminAsync();

        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{squatter.Username}/disabled", new { disabled = true }));

        await ExpectProblem(HttpStatusCode.Unauthorized, "account_disabled", squatter.Client.GetAsync("/api/v1/me"));
        await ExpectProblem(HttpStatusCode.Unauthorized, "account_disabled",
            Api.Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username = squatter.Username, password = "Passw0rd!" }));
        var real = await Api.RegisterAsync(squatter.OfficeCode, idNumber: squatter.IdNumber);
        await Expect(HttpStatusCode.OK, real.Client.GetAsync("/api/v1/me"));
        var accounts = await UsersAsync($"idNumber={squatter.IdNumber}");
        Assert.Equal([(squatter.Username, true), (real.Username, false)], accounts.Select(a => (a.GetProperty("username").GetString(), a.GetProperty("disabled").GetBoolean())).OrderBy(a => a.Item2 ? 0 : 1));

        // The old account cannot come back while the real person holds the ID number.
        await ExpectProblem(HttpStatusCode.Conflict, "id_number_taken", admin.PutAsJsonAsync($"/api/v1/admin/users/{squatter.Username}/disabled", new { disabled = false }));
    }

    /// <summary>
    /// Uses the citizen's token until the API keeps the account (it does once subscribed to account changes, shortly
    /// after start), so that what follows is checked against the kept account and its push, not its grain.
    /// </summary>
    private async Task KeptByTheApiAsync(Citizen citizen)
    {
        var accounts = Factory.Services.GetRequiredService<AccountCache>();
        var giveUpAt = DateTime.UtcNow.AddSeconds(30);
        while (!accounts.Keeps(citizen.Username))
        {
            Assert.True(DateTime.UtcNow < giveUpAt, "The API never kept the account.");
            await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ATokenIssuedBeforeTheAccountWasDisabledAndEnabledAgainStaysDead()
    {
        var (citizen, _) = await Api.ApplicantAsync();
        await KeptByTheApiAsync(citizen);
        var admin = await Api.AdminAsync();
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = true }));
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = false }));

        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", citizen.Client.GetAsync("/api/v1/me"));
        var again = await Api.SignInAsync(citizen.Username, "Passw0rd!");
        await Expect(HttpStatusCode.OK, again.GetAsync("/api/v1/me"));
    }

    [Fact]
    public async Task DisablingTwiceAtOnceIsDisabledOnce()
    {
        var (citizen, _) = await Api.ApplicantAsync();
        var admin = await Api.AdminAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => admin.PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = true })));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.StatusCode));
        var account = Assert.Single(await UsersAsync($"username={citizen.Username}"));
        Assert.True(account.GetProperty("disabled").GetBoolean());
        await ExpectProblem(HttpStatusCode.Unauthorized, "account_disabled", citizen.Client.GetAsync("/api/v1/me"));
    }

    [Fact]
    public async Task OnlyAnAdminDisablesAccountsAndNotItsOwn()
    {
        var (citizen, _) = await Api.ApplicantAsync();
        var op = await Api.OperatorAsync(citizen.OfficeCode);

        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", op.PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = true }));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", citizen.Client.GetAsync($"/api/v1/admin/users?username={citizen.Username}"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/users/{AdminUsername}/disabled", new { disabled = true }));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", (await Api.AdminAsync()).PutAsJsonAsync("/api/v1/admin/users/nobody-at-all/disabled", new { disabled = true }));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = true }));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().GetAsync($"/api/v1/admin/users?username={citizen.Username}"));
        await ExpectInvalid("disabled", (await Api.AdminAsync()).SendAsync(Raw(HttpMethod.Put, $"/api/v1/admin/users/{citizen.Username}/disabled", "{\"disabled\":")));
        await ExpectInvalid("disabled", (await Api.AdminAsync()).PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = "yes" }));
        await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));
    }

    [Fact]
    public async Task AnOperatorFindsItsOwnOfficesCitizensOnly()
    {
        var (home, _) = await Api.ApplicantAsync();
        var (away, _) = await Api.ApplicantAsync();
        var op = await Api.OperatorAsync(home.OfficeCode);

        var found = Assert.Single((await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/users?idNumber={home.IdNumber}"))).EnumerateArray());
        Assert.Equal("13*", found.GetProperty("phone").GetString()![..2] + "*");
        Assert.Contains("****", found.GetProperty("phone").GetString());
        Assert.Empty((await Expect(HttpStatusCode.OK, op.GetAsync($"/api/v1/admin/users?username={away.Username}"))).EnumerateArray());
        await ExpectInvalid("idNumber", op.GetAsync("/api/v1/admin/users"));
    }

    [Fact]
    public async Task TokensCarryTheUsernameRoleAndStampButNoPersonalData()
    {
        var (citizen, _) = await Api.ApplicantAsync();
        var token = citizen.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='))).RootElement;

        var claims = json.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Subset(new HashSet<string> { "sub", "jti", "role", "sst", "iat", "nbf", "exp", "iss", "aud" }, claims);
        Assert.DoesNotContain(citizen.IdNumber, Encoding.UTF8.GetString(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='))));
    }

    [Fact]
    public async Task TheBlacklistFollowsThePersonIntoANewAccount()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var until = DateTimeOffset.UtcNow.AddDays(700);
        await Api.BlacklistAsync(citizen.Username, until);
        var admin = await Api.AdminAsync();
        await Expect(HttpStatusCode.NoContent, admin.PutAsJsonAsync($"/api/v1/admin/users/{citizen.Username}/disabled", new { disabled = true }));

        var second = await Api.RegisterAsync(citizen.OfficeCode, idNumber: citizen.IdNumber);

        var refused = await ExpectProblem(HttpStatusCode.Forbidden, "blacklisted", second.Client.PostAsync(SelectionPath(vin), null));
        Assert.Equal(until.ToUnixTimeSeconds(), refused.GetProperty("until").GetDateTimeOffset().ToUnixTimeSeconds());
        var me = await Expect(HttpStatusCode.OK, second.Client.GetAsync("/api/v1/me"));
        Assert.Equal(until.ToUnixTimeSeconds(), me.GetProperty("blacklistedUntil").GetDateTimeOffset().ToUnixTimeSeconds());

        // Lifting it through the new account lifts it for the person.
        await Expect(HttpStatusCode.NoContent, admin.DeleteAsync($"/api/v1/admin/blacklist/{second.Username}"));
        await Expect(HttpStatusCode.OK, second.Client.PostAsync(SelectionPath(vin), null));
    }

    private async Task<List<JsonElement>> UsersAsync(string query, Func<JsonElement, bool>? where = null)
    {
        var users = await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).GetAsync($"/api/v1/admin/users?{query}"));
        return [.. users.EnumerateArray().Where(where ?? (_ => true))];
    }
}

/// <summary>
/// The sign-in throttle over HTTP, on a clock that stands still: the waits it hands out (1 s after the third failure) must
/// not lapse between the requests of the test, however slow the machine running it.
/// </summary>
public sealed class SignInFloodTests(FakeClockApiFactory factory) : ApiTest<FakeClockApiFactory>(factory), IClassFixture<FakeClockApiFactory>
{
    [Fact]
    public async Task ASignInFloodAgainstOneAccountIsMadeToWaitBeforeAnyPasswordIsChecked()
    {
        var (citizen, _) = await Api.ApplicantAsync();
        var anonymous = Api.Anonymous();
        var answers = new List<(HttpStatusCode Status, string Code, string? RetryAfter)>();
        for (var i = 0; i < 8; i++)
        {
            var response = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = $"Wrong-{i}-pass" });
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            answers.Add((response.StatusCode, problem.GetProperty("code").GetString()!, response.Headers.RetryAfter?.ToString()));
        }

        Assert.All(answers.Take(3), a => Assert.Equal((HttpStatusCode.Unauthorized, "invalid_credentials"), (a.Status, a.Code)));
        Assert.All(answers.Skip(3), a => Assert.Equal((HttpStatusCode.TooManyRequests, "rate_limited"), (a.Status, a.Code)));
        Assert.All(answers.Skip(3), a => Assert.NotNull(a.RetryAfter));

        // Even the right password waits now, from this address; it was never checked, so it cannot be confirmed by timing.
        await ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited", anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = citizen.Username, password = "Passw0rd!" }));
        await Expect(HttpStatusCode.OK, citizen.Client.GetAsync("/api/v1/me"));
    }
}
