using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PlateOrleans.Silo.Sms;

namespace PlateOrleans.ApiTests;

/// <summary>The HTTP SMS gateway sender against a gateway of the test's own, on a free loopback port.</summary>
public sealed class HttpSmsSenderTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Body, string? Authorization)> _received = new();
    private readonly Queue<int> _statuses = new();
    private WebApplication _gateway = null!;
    private string _url = null!;
    private bool _silent;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _gateway = builder.Build();
        _gateway.MapPost("/sms", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            _received.Enqueue((await reader.ReadToEndAsync(), http.Request.Headers.Authorization.ToString()));
            if (_silent)
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }

            int status;
            lock (_statuses)
            {
                status = _statuses.Count > 0 ? _statuses.Dequeue() : 200;
            }

            return Results.StatusCode(status);
        });
        await _gateway.StartAsync();
        _url = _gateway.Urls.Single() + "/sms";

        // The first request of a new app compiles its pipeline: not part of any test.
        using (var warm = new HttpClient())
        {
            await warm.PostAsync(_url, new StringContent("{}"));
        }

        _received.Clear();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private HttpSmsSender Sender(ListLogger logger, Action<HttpSmsOptions>? change = null)
    {
        var options = new HttpSmsOptions
        {
            Url = _url,
            Token = "gateway-token",
            Template = """{"to":"{phone}","content":"{text}","sign":"机动车选号"}""",
            // Generous, so that a busy machine's slow first answer is not taken for a gateway that never answers;
            // the test of that sets its own.
            Timeout = TimeSpan.FromSeconds(5),
            Retries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(20),
        };
        change?.Invoke(options);
        return new HttpSmsSender(options, logger);
    }

    [Fact]
    public async Task ItPostsTheTemplatedBodyWithTheCredentials()
    {
        var logger = new ListLogger();
        using var sender = Sender(logger);
        var text = "您的验证码为 \"123456\"\n\\ 请勿告诉他人。";

        Assert.True(await sender.DeliverAsync("13800000001", text));

        var (body, authorization) = Assert.Single(_received);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("13800000001", json.GetProperty("to").GetString());
        Assert.Equal(text, json.GetProperty("content").GetString());
        Assert.Equal("机动车选号", json.GetProperty("sign").GetString());
        Assert.Equal("Bearer gateway-token", authorization);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task BasicCredentialsAreSentWhenThereIsNoToken()
    {
        using var sender = Sender(new ListLogger(), o => (o.Token, o.Username, o.Password) = (null, "plates", "s3cret"));

        Assert.True(await sender.DeliverAsync("13800000001", "hello"));

        Assert.Equal("Basic " + Convert.ToBase64String("plates:s3cret"u8.ToArray()), Assert.Single(_received).Authorization);
    }

    [Fact]
    public async Task AGatewayErrorIsRetriedOnce()
    {
        _statuses.Enqueue(500);
        var logger = new ListLogger();
        using var sender = Sender(logger);

        Assert.True(await sender.DeliverAsync("13800000001", "hello"));

        Assert.Equal(2, _received.Count);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public async Task AGatewayThatKeepsFailingIsGivenUpWithOneLogLine()
    {
        _statuses.Enqueue(503);
        _statuses.Enqueue(503);
        var logger = new ListLogger();
        using var sender = Sender(logger);

        Assert.False(await sender.DeliverAsync("13800000001", "hello"));

        Assert.Equal(2, _received.Count);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Null(entry.Exception);
        Assert.Contains("HTTP 503", entry.Message);
        Assert.DoesNotContain("13800000001", entry.Message);
    }

    [Fact]
    public async Task AGatewayThatNeverAnswersFailsAfterTheTimeoutWithoutThrowing()
    {
        _silent = true;
        var logger = new ListLogger();
        using var sender = Sender(logger, o => o.Timeout = TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var delivered = await sender.DeliverAsync("13800000001", "hello");

        Assert.False(delivered);
        // Two attempts of 0.5 s each and a short wait between: not the 100 s of HttpClient's default.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(2, _received.Count);
        Assert.Contains("no answer", Assert.Single(logger.Entries).Message);
    }

    [Fact]
    public void SendingDoesNotWaitForASilentGateway()
    {
        _silent = true;
        using var sender = Sender(new ListLogger());

        var sent = sender.SendAsync("13800000001", "hello");

        Assert.True(sent.IsCompletedSuccessfully);
    }

    [Fact]
    public void SettingsWithoutAGatewayAddressAreRefusedByName()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Sms:Provider"] = "Http", ["Sms:Http:Url"] = "CHANGE-ME" })
            .Build();

        var refused = Assert.Throws<InvalidOperationException>(() => HttpSmsOptions.FromConfiguration(configuration));

        Assert.Contains("Sms:Http:Url", refused.Message);
    }

    private sealed class ListLogger : ILogger<HttpSmsSender>
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
