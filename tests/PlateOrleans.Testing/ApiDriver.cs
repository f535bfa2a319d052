using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Xunit;

namespace PlateOrleans.Testing;

/// <summary>A signed-in citizen: their HTTP client and who they are.</summary>
public sealed record Citizen(HttpClient Client, string Username, string IdNumber, string Phone, string OfficeCode);

/// <summary>
/// Drives the API the way a frontend or an operator would: only through HTTP. Every office, citizen and vehicle it
/// makes is new, so tests sharing one host never see each other's data. The host's first admin must be
/// <see cref="AdminUsername"/> with <see cref="AdminPassword"/>.
/// </summary>
public sealed partial class ApiDriver(WebApplicationFactory<Program> factory)
{
    public const string AdminUsername = "admin";
    public const string AdminPassword = "Admin-Passw0rd";

    private static int _sequence;
    private static int _officeSequence;

    public static int Next() => Interlocked.Increment(ref _sequence);

    /// <summary>A new Hebei division code (130001, 130002, ...): its own counter, so that it never wraps into an earlier one.</summary>
    public static string NewOfficeCode() => $"13{Interlocked.Increment(ref _officeSequence):0000}";

    public HttpClient Anonymous() => factory.CreateClient();

    /// <summary>A browser: keeps cookies, follows no redirect (so that tests see where it would go).</summary>
    public HttpClient Browser() =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<HttpClient> SignInAsync(string username, string password)
    {
        var token = (await Expect(HttpStatusCode.OK, Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username, password }))).GetProperty("accessToken").GetString();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<HttpClient> AdminAsync() => SignInAsync(AdminUsername, AdminPassword);

    /// <summary>A new Hebei office (prefix 冀A) open all day, with a published small-D pool; returns its code.</summary>
    public async Task<string> CreateOfficeAsync(object? rules = null, string[]? smallDBlocks = null, bool maintenance = false, object? hours = null, bool crossRegion = true, DateTimeOffset? opensAt = null)
    {
        var code = NewOfficeCode();
        var admin = await AdminAsync();
        var put = await admin.PutAsJsonAsync($"/api/v1/admin/offices/{code}", new
        {
            name = $"测试车管所{code}",
            prefix = "冀A",
            province = "冀",
            opensAt,
            hours = hours ?? new { from = "00:00", to = "24:00" },
            maintenance,
            crossRegion,
            rules = rules ?? new { smsConfirmDelaySeconds = 0 },
            locations = new[] { new { id = "main", name = "本所", slots = new[] { new { slot = "09:00-10:00", capacity = 10 } } } },
        });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var pool = await admin.PutAsJsonAsync($"/api/v1/admin/offices/{code}/pool", new
        {
            series = new object[]
            {
                new { plateKind = "small", energyLetter = "D", blocks = smallDBlocks ?? ["D0####"] },
                new { plateKind = "small", energyLetter = "F", blocks = new[] { "F0####" } },
                new { plateKind = "large", energyLetter = "D", blocks = new[] { "10###D" } },
            },
        });
        Assert.Equal(HttpStatusCode.OK, pool.StatusCode);
        return code;
    }

    /// <summary>
    /// Changes some settings of an office (maintenance, hours, ...), keeping its name and prefix. A PUT replaces the whole
    /// office, so hours and rules not given are sent as <see cref="CreateOfficeAsync"/> made them (open all day, no SMS delay).
    /// </summary>
    public async Task UpdateOfficeAsync(string code, object settings)
    {
        var body = JsonSerializer.SerializeToNode(settings)!.AsObject();
        body["name"] = $"测试车管所{code}";
        body["prefix"] = "冀A";
        body["province"] = "冀";
        body["hours"] ??= new JsonObject { ["from"] = "00:00", ["to"] = "24:00" };
        body["rules"] ??= new JsonObject { ["smsConfirmDelaySeconds"] = 0 };
        var response = await (await AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{code}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// A person's ID number no other call of this process gets: birth date and sequence all come from one number of
    /// <see cref="Next"/> (four calls of it, interleaved with other threads' calls, could repeat a combination).
    /// </summary>
    public static string NewIdNumber()
    {
        var n = Next();
        return IdNumbers.PersonWithCheck($"130102{1960 + (n % 40)}{1 + (n / 40 % 12):00}{1 + (n / 480 % 28):00}{n / 13440 % 1000:000}");
    }

    /// <summary>
    /// A VIN no other call of this process gets: all seven digits of <see cref="Next"/> stay in it, around the ninth
    /// character that the check digit replaces (a digit there was lost, and then only five random characters told two
    /// VINs apart, so a test could re-import an earlier test's vehicle).
    /// </summary>
    public static string NewVin()
    {
        var n = Next();
        return Vin.WithCheckDigit($"LAPX{n / 1000 % 10000:0000}0{n % 1000:000}{Guid.NewGuid().ToString("N")[..5].ToUpperInvariant()}");
    }

    public async Task<Citizen> RegisterAsync(string officeCode, string userType = "owner", string? idNumber = null)
    {
        var username = $"citizen{Next()}";
        var phone = $"137{Next():00000000}";
        idNumber ??= userType == "unit" ? IdNumbers.CreditWithCheck($"911301{Next():00000000000}") : NewIdNumber();
        await Expect(HttpStatusCode.Created, Anonymous().PostAsJsonAsync("/api/v1/auth/register", new
        {
            username,
            password = "Passw0rd!",
            phone,
            userType,
            officeCode,
            idNumber,
        }));
        return new Citizen(await SignInAsync(username, "Passw0rd!"), username, idNumber, phone, officeCode);
    }

    /// <summary>
    /// Imports one vehicle of a citizen into an office as its operator would, with the citizen's phone on record
    /// (where the selection's codes go); returns the VIN.
    /// </summary>
    public async Task<string> ImportVehicleAsync(string officeCode, Citizen owner, string plateKind = "small", string energy = "pure")
    {
        var vin = NewVin();
        var imported = await Expect(HttpStatusCode.OK, (await AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{officeCode}/vehicles", new[]
        {
            new { vin, currentPlate = "冀A12345", plateKind, energy, ownerIdNumber = owner.IdNumber, ownerPhone = owner.Phone },
        }));
        Assert.True(imported.GetProperty("imported").GetInt32() == 1, imported.GetRawText());
        return vin;
    }

    /// <summary>A citizen of a new office (or the given one) with one eligible car there.</summary>
    public async Task<(Citizen Citizen, string Vin)> ApplicantAsync(string? officeCode = null)
    {
        officeCode ??= await CreateOfficeAsync();
        var citizen = await RegisterAsync(officeCode);
        return (citizen, await ImportVehicleAsync(officeCode, citizen));
    }

    /// <summary>An operator of one office, created by the admin as API.md says, and signed in.</summary>
    public async Task<HttpClient> OperatorAsync(string officeCode)
    {
        var username = $"operator{Next()}";
        await Expect(HttpStatusCode.Created, (await AdminAsync()).PostAsJsonAsync("/api/v1/admin/users", new
        {
            username,
            password = "Operator-Passw0rd",
            role = "operator",
            officeCode,
        }));
        return await SignInAsync(username, "Operator-Passw0rd");
    }

    /// <summary>
    /// Blacklists the person behind a user until a moment. There is no HTTP endpoint for it (only DELETE /admin/blacklist
    /// to lift one early): the system itself blacklists through the person's grain when an exchange deadline passes, so
    /// the test does the same.
    /// </summary>
    public async Task BlacklistAsync(string username, DateTimeOffset? until)
    {
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var person = grains.GetGrain<IOwnerGrain>((await grains.Account(username).GetAsync())!.IdNumber!);
        await (until is { } moment ? person.BlacklistAsync(moment) : person.LiftBlacklistAsync());
    }

    public static string SelectionPath(string vin, string step = "", string flow = "selections") =>
        step.Length == 0 ? $"/api/v1/{flow}/{vin}" : $"/api/v1/{flow}/{vin}/{step}";

    /// <summary>The selection view as its owner reads it.</summary>
    public static Task<JsonElement> ViewAsync(Citizen citizen, string vin, string flow = "selections") =>
        Expect(HttpStatusCode.OK, citizen.Client.GetAsync(SelectionPath(vin, flow: flow)));

    /// <summary>The public pool publication of an office, with its live counts.</summary>
    public Task<JsonElement> PoolAsync(string officeCode) =>
        Expect(HttpStatusCode.OK, Anonymous().GetAsync($"/api/v1/offices/{officeCode}/pool"));

    /// <summary>One office as the public list shows it.</summary>
    public async Task<JsonElement> OfficeAsync(string officeCode)
    {
        var offices = await Expect(HttpStatusCode.OK, Anonymous().GetAsync("/api/v1/offices"));
        return offices.EnumerateArray().Single(o => o.GetProperty("code").GetString() == officeCode);
    }

    /// <summary>
    /// Everything a rejected request must leave as it was, as text to compare: the selection as its owner reads it (or the
    /// answer that there is none), without the clock; the pool counts of the office; the owner's vehicles with their stage;
    /// and the messages sent to the owner's phone.
    /// </summary>
    public async Task<string> SnapshotAsync(Citizen citizen, string vin, string? officeCode = null)
    {
        var response = await citizen.Client.GetAsync(SelectionPath(vin));
        var view = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        view.Remove("serverTime");
        var pool = await Anonymous().GetStringAsync($"/api/v1/offices/{officeCode ?? citizen.OfficeCode}/pool");
        var vehicles = await citizen.Client.GetStringAsync("/api/v1/me/vehicles");
        var sms = await Anonymous().GetStringAsync($"/api/v1/dev/sms?phone={citizen.Phone}");
        return $"selection {(int)response.StatusCode} {view.ToJsonString()}\npool {pool}\nvehicles {vehicles}\nsms {sms}";
    }

    /// <summary>The office as everyone and its applicants see it: its entry in the list, its notice and its pool.</summary>
    public async Task<string> OfficeSnapshotAsync(string officeCode)
    {
        var office = await OfficeAsync(officeCode);
        var notice = await Anonymous().GetStringAsync($"/api/v1/offices/{officeCode}/notice");
        var pool = await Anonymous().GetStringAsync($"/api/v1/offices/{officeCode}/pool");
        return $"office {office.GetRawText()}\nnotice {notice}\npool {pool}";
    }

    /// <summary>Draws a batch and returns its numbers.</summary>
    public static async Task<List<string>> DrawAsync(Citizen citizen, string vin, bool excludeFour = false)
    {
        var view = await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour }));
        return [.. view.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString()!)];
    }

    /// <summary>Polls a condition (say, a countdown has ended) without sleeping longer than needed.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>A request with exactly these bytes as its body and this Content-Type (none when null), for malformed input.</summary>
    public static HttpRequestMessage Raw(HttpMethod method, string path, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(method, path) { Content = content };
    }

    public static HttpRequestMessage Raw(HttpMethod method, string path, string body, string? contentType = "application/json") =>
        Raw(method, path, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>Asserts a 400 validation_failed whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> ExpectInvalid(string field, Task<HttpResponseMessage> request)
    {
        var problem = await ExpectProblem(HttpStatusCode.BadRequest, "validation_failed", request);
        Assert.True(
            problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"errors should name '{field}': {problem.GetRawText()}");
        return problem;
    }

    public async Task<string> LatestCodeAsync(string phone)
    {
        var messages = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/dev/sms?phone={phone}");
        return CodePattern().Match(messages[0].GetProperty("text").GetString()!).Value;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex CodePattern();

    /// <summary>The version of an office's current business notice.</summary>
    public async Task<string> NoticeVersionAsync(string officeCode) =>
        (await Expect(HttpStatusCode.OK, Anonymous().GetAsync($"/api/v1/offices/{officeCode}/notice"))).GetProperty("version").GetString()!;

    /// <summary>Enter, confirm information, start: the selection then waits for its SMS verification.</summary>
    public async Task WalkToVerifyIdentityAsync(Citizen citizen, string vin, string flow = "selections")
    {
        var path = $"/api/v1/{flow}/{vin}";
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(path, null));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/info-confirmation", new { noticeVersion = await NoticeVersionAsync(citizen.OfficeCode) }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync($"{path}/start", null));
    }

    /// <summary>Enter, confirm information, start, verify by SMS: the selection is then drawing.</summary>
    public async Task WalkToDrawingAsync(Citizen citizen, string vin, string flow = "selections")
    {
        var path = $"/api/v1/{flow}/{vin}";
        await WalkToVerifyIdentityAsync(citizen, vin, flow);
        await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync($"{path}/sms-code", null));
        var code = flow == "simulations" ? "123456" : await LatestCodeAsync(citizen.Phone);
        var verified = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/verification", new { code }));
        Assert.Equal("drawing", verified.GetProperty("stage").GetString());
    }

    /// <summary>Awaits a response, asserts its status (showing the body when it differs) and returns its JSON.</summary>
    public static async Task<JsonElement> Expect(HttpStatusCode status, Task<HttpResponseMessage> request)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a problem details answer with this status and code, and returns it.</summary>
    public static async Task<JsonElement> ExpectProblem(HttpStatusCode status, string code, Task<HttpResponseMessage> request)
    {
        var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
