using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PlateOrleans.Grains.Identity;

namespace PlateOrleans.ApiTests;

/// <summary>A signed-in citizen: their HTTP client and who they are.</summary>
public sealed record Citizen(HttpClient Client, string Username, string IdNumber, string Phone, string OfficeCode);

/// <summary>
/// Drives the API the way a frontend or an operator would: only through HTTP. Every office, citizen and vehicle it
/// makes is new, so tests sharing one host never see each other's data.
/// </summary>
public sealed partial class ApiDriver(ApiFactory factory)
{
    private static int _sequence;

    public static int Next() => Interlocked.Increment(ref _sequence);

    public HttpClient Anonymous() => factory.CreateClient();

    public async Task<HttpClient> SignInAsync(string username, string password)
    {
        var response = await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public Task<HttpClient> AdminAsync() => SignInAsync(ApiFactory.AdminUsername, ApiFactory.AdminPassword);

    /// <summary>A new Hebei office (prefix 冀A) open all day, with a published small-D pool; returns its code.</summary>
    public async Task<string> CreateOfficeAsync(object? rules = null, string[]? smallDBlocks = null, bool maintenance = false, object? hours = null, bool crossRegion = true, DateTimeOffset? opensAt = null)
    {
        var code = $"13{Next() % 10_000:0000}";
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

    /// <summary>Changes some settings of an office (maintenance, hours, ...), keeping its name and prefix.</summary>
    public async Task UpdateOfficeAsync(string code, object settings)
    {
        var body = JsonSerializer.SerializeToNode(settings)!.AsObject();
        body["name"] = $"测试车管所{code}";
        body["prefix"] = "冀A";
        body["province"] = "冀";
        body["rules"] ??= new JsonObject { ["smsConfirmDelaySeconds"] = 0 };
        var response = await (await AdminAsync()).PutAsJsonAsync($"/api/v1/admin/offices/{code}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static string NewIdNumber() =>
        IdNumbers.PersonWithCheck($"130102{1960 + (Next() % 40)}{1 + (Next() % 12):00}{1 + (Next() % 28):00}{Next() % 1000:000}");

    public static string NewVin() => Vin.WithCheckDigit($"LAPX{Next():0000000}0{Guid.NewGuid().ToString("N")[..5].ToUpperInvariant()}");

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

    /// <summary>Imports one vehicle into an office as its operator would; returns the VIN.</summary>
    public async Task<string> ImportVehicleAsync(string officeCode, string ownerIdNumber, string plateKind = "small", string energy = "pure")
    {
        var vin = NewVin();
        var imported = await Expect(HttpStatusCode.OK, (await AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{officeCode}/vehicles", new[]
        {
            new { vin, currentPlate = "冀A12345", plateKind, energy, ownerIdNumber },
        }));
        Assert.True(imported.GetProperty("imported").GetInt32() == 1, imported.GetRawText());
        return vin;
    }

    /// <summary>A citizen of a new office (or the given one) with one eligible car there.</summary>
    public async Task<(Citizen Citizen, string Vin)> ApplicantAsync(string? officeCode = null)
    {
        officeCode ??= await CreateOfficeAsync();
        var citizen = await RegisterAsync(officeCode);
        return (citizen, await ImportVehicleAsync(officeCode, citizen.IdNumber));
    }

    public async Task<string> LatestCodeAsync(string phone)
    {
        var messages = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/dev/sms?phone={phone}");
        return CodePattern().Match(messages[0].GetProperty("text").GetString()!).Value;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex CodePattern();

    /// <summary>Enter, confirm information, start, verify by SMS: the selection is then drawing.</summary>
    public async Task WalkToDrawingAsync(Citizen citizen, string vin, string flow = "selections")
    {
        var path = $"/api/v1/{flow}/{vin}";
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(path, null));
        var notice = await Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice");
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/info-confirmation", new { noticeVersion = notice.GetProperty("version").GetString() }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync($"{path}/start", null));
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
