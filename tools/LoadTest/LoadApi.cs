using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace PlateOrleans.LoadTest;

/// <summary>An answer other than the one the flow expects: the applicant's walk ends there.</summary>
public sealed class UnexpectedAnswerException(string endpoint, int status, string? code, string body)
    : Exception($"{endpoint} answered {status} {code}: {Shorten(body)}")
{
    public string Endpoint { get; } = endpoint;

    public int Status { get; } = status;

    public string? Code { get; } = code;

    /// <summary>Where and how a walk ended, as the report groups failures: <c>POST /selections/{vin}/draws 409 pool_empty</c>.</summary>
    public string Reason => $"{Endpoint} {Status} {Code}";

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "...";
}

/// <summary>
/// The API as a frontend calls it: one shared <see cref="HttpClient"/>, a bearer token per request, every answer timed
/// (until its body is read) and recorded in <see cref="Metrics"/> under the endpoint's name.
/// </summary>
public sealed class LoadApi(HttpClient http, int busyRetries = 0)
{
    /// <summary>For <c>expected</c>: any 2xx status, where the contract names none (the operators' set-up calls).</summary>
    public const int AnySuccess = 2;

    public Metrics Metrics { get; } = new();

    /// <summary>
    /// Sends a request and returns its JSON body (default when empty) if it answered <paramref name="expected"/> (or
    /// any 2xx, for <see cref="AnySuccess"/>);
    /// otherwise records it as unexpected and throws <see cref="UnexpectedAnswerException"/>.
    /// </summary>
    public async Task<JsonElement> SendAsync(
        string endpoint, HttpMethod method, string path, int expected, string? token = null, object? body = null, bool idempotent = false)
    {
        // A retry after a refusal for overload is the same request: the same Idempotency-Key.
        var key = idempotent ? Guid.NewGuid().ToString("N") : null;
        for (var attempt = 0; ; attempt++)
        {
            var (status, text, retryAfter) = await SendOnceAsync(endpoint, method, path, token, body, key);
            var answered = status == expected || (expected == AnySuccess && status is >= 200 and < 300);
            Metrics.Record(endpoint, status, answered, retryAfter.Elapsed);
            if (!answered && status == 503 && retryAfter.Wait is { } wait && attempt < busyRetries)
            {
                // Refused for overload: come back when the server asked, spread over a second so that the refused do
                // not all return at the same instant.
                await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(1000)));
                continue;
            }

            return Answer(endpoint, status, text, answered);
        }
    }

    private async Task<(int Status, string Text, (TimeSpan Elapsed, TimeSpan? Wait) RetryAfter)> SendOnceAsync(
        string endpoint, HttpMethod method, string path, string? token, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = BodyOf(body);
        }

        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, text, (clock.Elapsed, response.Headers.RetryAfter?.Delta));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // No answer at all (refused, reset, timed out): recorded as status 0.
            Metrics.Record(endpoint, 0, expected: false, clock.Elapsed);
            throw new UnexpectedAnswerException(endpoint, 0, e.GetType().Name, e.Message);
        }
    }

    private static readonly JsonSerializerOptions _web = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A JSON body with its length, as browsers and app clients send one; not streamed in chunks as
    /// <see cref="JsonContent"/> does, which costs every server an extra pipe per request that no real client causes.
    /// </summary>
    private static ByteArrayContent BodyOf(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), _web));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static JsonElement Answer(string endpoint, int status, string text, bool answered)
    {
        var json = text.Length == 0 ? default : Parse(text);
        if (!answered)
        {
            var code = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString() : null;
            throw new UnexpectedAnswerException(endpoint, status, code, text);
        }

        return json;
    }

    private static JsonElement Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
