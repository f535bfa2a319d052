using Microsoft.AspNetCore.Hosting;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Someone starting the app in Production with what works on a developer's machine: each default refused at start,
/// naming the setting to change.
/// </summary>
public sealed class StartupCheckTests : IDisposable
{
    private const string StrongKey = "a-real-secret-of-more-than-32-bytes-7f3a9c1e5b";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "plate-startup-" + Guid.NewGuid().ToString("N"));

    /// <summary>The API in an environment of the test's choosing, with settings that a test then spoils one at a time.</summary>
    private sealed class EnvironmentFactory(string environment, Dictionary<string, string?> settings) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => settings;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(environment);
        }
    }

    /// <summary>What a production deployment sets: a gateway, a real key, a real admin password, no demo data.</summary>
    private static Dictionary<string, string?> Production(params (string Key, string? Value)[] spoiled)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sms:Provider"] = "Http",
            ["Sms:Http:Url"] = "http://127.0.0.1:9/sms",
            ["Jwt:SigningKey"] = StrongKey,
            ["Admin:Password"] = "An-Admin-Passw0rd-Of-Our-Own",
            ["Demo:Seed"] = "false",
        };
        foreach (var (key, value) in spoiled)
        {
            settings[key] = value;
        }

        return settings;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<string> RefusalAsync(Dictionary<string, string?> settings, string environment = "Production")
    {
        await using var factory = new EnvironmentFactory(environment, settings);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => factory.InitializeAsync());
        return refused.ToString();
    }

    [Theory]
    [InlineData("Sms:Provider", "Outbox", "Sms:Provider=Http")]
    [InlineData("Jwt:SigningKey", "development-only-signing-key-do-not-use-in-production", "Jwt:SigningKey")]
    [InlineData("Jwt:SigningKey", "CHANGE-ME-to-a-secret-of-32-bytes-or-more", "Jwt:SigningKey")]
    [InlineData("Admin:Password", "Admin-Passw0rd", "Admin:Password")]
    [InlineData("Admin:Password", "Demo-Passw0rd", "Admin:Password")]
    [InlineData("Admin:Password", "CHANGE-ME", "Admin:Password")]
    [InlineData("Demo:Seed", "true", "Demo:Seed=false")]
    [InlineData("Sms:Http:Url", "CHANGE-ME", "Sms:Http:Url")]
    [InlineData("Sms:Provider", null, "Sms:Provider is not set")]
    public async Task AProductionStartWithADevelopmentDefaultIsRefusedNamingTheSetting(string key, string? value, string named)
    {
        var refusal = await RefusalAsync(Production((key, value)));

        Assert.Contains(named, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProductionStartWithoutASigningKeyIsRefused()
    {
        var refusal = await RefusalAsync(Production(("Jwt:SigningKey", "")));

        Assert.Contains("Jwt:SigningKey", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProductionStartWithRealSettingsServesAndHasNoDevEndpoints()
    {
        await using var factory = new EnvironmentFactory("Production", Production());
        await factory.InitializeAsync();
        var api = new ApiDriver(factory);

        await Expect(HttpStatusCode.OK, api.Anonymous().GetAsync("/health/ready"));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", api.Anonymous().GetAsync("/api/v1/dev/sms?phone=13800000001"));
    }

    [Fact]
    public async Task TheOutboxIsRefusedInEveryEnvironmentButDevelopment()
    {
        // Staging (or the former "Testing") is not Development: the outbox is refused there too, whatever else is right.
        var refusal = await RefusalAsync(Production(("Sms:Provider", "Outbox")), "Staging");

        Assert.Contains("Sms:Provider is Outbox", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProductionStartOnADataFileFromDevelopmentIsRefusedForItsDemoAccounts()
    {
        var storage = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={Path.Combine(_directory, "plates.db")}",
        };
        Directory.CreateDirectory(_directory);
        await using (var development = new EnvironmentFactory("Development", new(storage) { ["Demo:Seed"] = "true" }))
        {
            await development.InitializeAsync();
            await new ApiDriver(development).SignInAsync("zhangsan", "Demo-Passw0rd");
        }

        var production = Production();
        foreach (var (key, value) in storage)
        {
            production[key] = value;
        }

        var refusal = await RefusalAsync(production);

        Assert.Contains("zhangsan", refusal, StringComparison.Ordinal);
        Assert.Contains("demo accounts", refusal, StringComparison.Ordinal);
    }
}
