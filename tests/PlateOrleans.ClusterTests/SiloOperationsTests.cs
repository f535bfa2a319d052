using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using PlateOrleans.Silo.Operations;

namespace PlateOrleans.ClusterTests;

/// <summary>A silo process's own HTTP endpoint: health for anyone who reaches it, metrics for the scrape token only.</summary>
public sealed class SiloOperationsTests
{
    private const string Token = "scrape-token-0123456789-abcdef";

    [SkippableFact]
    public async Task A_silo_says_it_is_ready_serves_metrics_to_the_scrape_token_only_and_reports_its_database_down()
    {
        await using var database = await PostgresServer.StartNewAsync();
        var clusterId = "ops-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = await database.CreateDatabaseAsync("ops"),
            ["Orleans:ServiceId"] = clusterId,
            ["Orleans:ClusterId"] = clusterId,
            ["Logging:LogLevel:Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Sms:Provider"] = "Outbox",
            ["Operations:MetricsToken"] = Token,
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

        await EventuallyAsync(async () => await StatusAsync(http, "/health/ready") == HttpStatusCode.OK, $"the silo ready\n{silo}", seconds: 90);
        var ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("passed", ready.GetProperty("checks").GetProperty("silo").GetString());
        Assert.Equal("passed", ready.GetProperty("checks").GetProperty("storage").GetString());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "/health/live"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "/metrics", Token + "x"));
        var metrics = await http.SendAsync(Get("/metrics", Token));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("\norleans_", await metrics.Content.ReadAsStringAsync());

        await database.StopAsync();
        var down = await http.GetAsync("/health/ready");
        var problem = JsonDocument.Parse(await down.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("failed", problem.GetProperty("checks").GetProperty("storage").GetString());
    }

    [Fact]
    public void Outside_development_a_silo_refuses_to_open_its_metrics_beyond_loopback_without_a_token()
    {
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };
        var development = new HostingEnvironment { EnvironmentName = Environments.Development };

        Assert.Empty(new OperationsOptions().Refusals(production));
        Assert.Single(new OperationsOptions { Address = "0.0.0.0" }.Refusals(production));
        Assert.Empty(new OperationsOptions { Address = "0.0.0.0", MetricsToken = Token }.Refusals(production));
        Assert.Single(new OperationsOptions { Address = "0.0.0.0", MetricsToken = "short" }.Refusals(production));
        Assert.Empty(new OperationsOptions { Address = "0.0.0.0" }.Refusals(development));
        Assert.Single(new OperationsOptions { Address = "everywhere" }.Refusals(development));
    }

    private static HttpRequestMessage Get(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string path, string? token = null)
    {
        try
        {
            return (await http.SendAsync(Get(path, token))).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(250);
        }
    }
}
