using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Silo.Sms;

/// <summary>
/// Settings of an SMS gateway reached over HTTP (section <c>Sms:Http</c>): where to POST, how to sign in (a bearer
/// <c>Token</c>, or <c>Username</c> and <c>Password</c> for basic authentication), and the JSON body, in which
/// <c>{phone}</c> and <c>{text}</c> stand for the number and the message (inserted JSON-escaped, inside the template's quotes).
/// </summary>
public sealed class HttpSmsOptions
{
    public const string Section = "Sms:Http";

    public string Url { get; set; } = "";
    public string? Token { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string Template { get; set; } = """{"phone":"{phone}","text":"{text}"}""";

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts after the first, when the gateway failed or did not answer in time.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The wait before the first retry, doubled before each next one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The settings, or an exception naming the one to change.</summary>
    public static HttpSmsOptions FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<HttpSmsOptions>() ?? new HttpSmsOptions();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"Sms:Http:Url is '{options.Url}': set it to the SMS gateway's http(s) address (environment variable Sms__Http__Url).");
        }

        if (!options.Template.Contains("{phone}", StringComparison.Ordinal) || !options.Template.Contains("{text}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Sms:Http:Template must contain {phone} and {text} (a JSON body such as {\"phone\":\"{phone}\",\"text\":\"{text}\"}).");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Retries is < 0 or > 10 || options.RetryDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Sms:Http:Timeout must be positive, Sms:Http:Retries 0 to 10, Sms:Http:RetryDelay not negative.");
        }

        return options;
    }
}

/// <summary>
/// Sends through an HTTP gateway. A message is handed to a background delivery and <see cref="SendAsync"/> returns at
/// once: a slow or failing gateway never holds or fails the selection step that sent it. Each attempt has a timeout;
/// a failure (an error status, no answer) is retried a bounded number of times with a growing wait, then logged once.
/// </summary>
public sealed class HttpSmsSender : ISmsSender, IDisposable
{
    /// <summary>Deliveries under way at most; beyond them a message is dropped and logged rather than queued without bound.</summary>
    private const int MaxPending = 1000;

    private readonly HttpSmsOptions _options;
    private readonly ILogger<HttpSmsSender> _logger;
    private readonly HttpClient _http;
    private int _pending;

    public HttpSmsSender(HttpSmsOptions options, ILogger<HttpSmsSender> logger)
    {
        _options = options;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(options.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
    }

    public Task SendAsync(string phone, string text)
    {
        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            _logger.LogWarning("SMS to {Phone} dropped: {Pending} messages are already waiting for the gateway", Mask(phone), MaxPending);
            return Task.CompletedTask;
        }

        // On the thread pool, not the calling grain's scheduler: the grain goes on at once.
        _ = Task.Run(async () =>
        {
            try
            {
                await DeliverAsync(phone, text);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
        return Task.CompletedTask;
    }

    /// <summary>Posts the message, retrying as configured; answers whether the gateway took it. Never throws.</summary>
    public async Task<bool> DeliverAsync(string phone, string text)
    {
        var body = _options.Template
            .Replace("{phone}", JsonEscaped(phone), StringComparison.Ordinal)
            .Replace("{text}", JsonEscaped(text), StringComparison.Ordinal);
        string? failure = null;
        for (var attempt = 0; attempt <= _options.Retries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1));
            }

            using var timeout = new CancellationTokenSource(_options.Timeout);
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await _http.PostAsync(_options.Url, content, timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                failure = $"HTTP {(int)response.StatusCode}";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                failure = $"no answer within {_options.Timeout.TotalSeconds:0.#} s";
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
        }

        // One line per lost message, no stack trace: a gateway outage must not flood the log.
        _logger.LogWarning("SMS to {Phone} not delivered after {Attempts} attempts: {Failure}", Mask(phone), _options.Retries + 1, failure);
        return false;
    }

    public void Dispose() => _http.Dispose();

    private static string JsonEscaped(string value)
    {
        var quoted = JsonSerializer.Serialize(value);
        return quoted[1..^1];
    }

    private static string Mask(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : "***";
}
