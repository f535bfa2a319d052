using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace PlateOrleans.Testing;

/// <summary>
/// The API with its co-hosted silo, in memory, on free Orleans ports so that several factories can run in one process.
/// It runs as Development without the demo data (the SMS outbox exists only there). Passwords are hashed with few
/// iterations (hundreds of accounts are made), and limits are raised unless a test asks.
/// Subclasses change any setting through <see cref="Settings"/> (another storage, client mode).
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminUsername = ApiDriver.AdminUsername;
    public const string AdminPassword = ApiDriver.AdminPassword;

    /// <summary>The key tokens are signed with, so that tests can forge expired or otherwise doctored tokens.</summary>
    public const string SigningKey = "test-signing-key-0123456789-0123456789-0123456789";

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development, as a developer runs it (so the SMS outbox lets tests read codes), without the demo data.
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["Demo:Seed"] = "false",
            ["Sms:Provider"] = "Outbox",
            ["Jwt:SigningKey"] = SigningKey,
            ["Admin:Username"] = AdminUsername,
            ["Admin:Password"] = AdminPassword,
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
            ["Storage:Provider"] = "Memory",
            ["Auth:PasswordIterations"] = "1000",
            ["RateLimits:UserBurst"] = "100000",
            ["RateLimits:UserPerSecond"] = "100000",
            ["RateLimits:AddressBurst"] = "100000",
            ["RateLimits:AddressPerSecond"] = "100000",
            ["RateLimits:RegisterBurst"] = "100000",
            ["RateLimits:RegisterPerPeriod"] = "100000",
            ["RateLimits:SignInBurst"] = "100000",
            ["RateLimits:SignInPerSecond"] = "100000",
            // Tests of the flow send hundreds of steps at one instant; the overload limit has tests of its own.
            ["RateLimits:ConcurrentWrites"] = "0",
            ["RateLimits:UserConcurrentWrites"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public Task InitializeAsync()
    {
        // Starts the host (and its silo) before the first test; works for the in-memory server and for Kestrel.
        StartServer();
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
