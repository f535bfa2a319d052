using System.Text.Json;
using System.Text.RegularExpressions;

namespace PlateOrleans.LoadTest;

/// <summary>
/// The formal selection's steps as the web frontend sends them, each named by its endpoint in the report. Only the
/// contract's endpoints (API.md), so that the same steps run against any server that keeps it.
/// </summary>
public sealed partial class SelectionSteps(LoadApi api, string office)
{
    /// <summary>The one retry of a verification that the server called too early although it was not.</summary>
    public static readonly TimeSpan TooEarlyRetryDelay = TimeSpan.FromMilliseconds(250);

    public Task EnterAsync(Applicant a) =>
        api.SendAsync("POST /selections/{vin}", HttpMethod.Post, Selection(a), 200, a.Token, idempotent: true);

    public async Task<string> NoticeVersionAsync()
    {
        var notice = await api.SendAsync("GET /offices/{code}/notice", HttpMethod.Get, $"/api/v1/offices/{office}/notice", 200);
        return notice.GetProperty("version").GetString()!;
    }

    public Task ConfirmInfoAsync(Applicant a, string noticeVersion) =>
        api.SendAsync("POST /selections/{vin}/info-confirmation", HttpMethod.Post, $"{Selection(a)}/info-confirmation", 200, a.Token, new { noticeVersion }, idempotent: true);

    public Task StartAsync(Applicant a) =>
        api.SendAsync("POST /selections/{vin}/start", HttpMethod.Post, $"{Selection(a)}/start", 200, a.Token, idempotent: true);

    /// <summary>Asks for the code; returns the moment the server said a verification is accepted from.</summary>
    public async Task<DateTimeOffset> SendCodeAsync(Applicant a)
    {
        var sent = await api.SendAsync("POST /selections/{vin}/sms-code", HttpMethod.Post, $"{Selection(a)}/sms-code", 202, a.Token, idempotent: true);
        return sent.GetProperty("confirmEnabledAt").GetDateTimeOffset();
    }

    /// <summary>
    /// The newest code sent to the phone on the office's record, as the owner reads it off the SMS. The contract names
    /// no field of a message, so the code is the first six digits standing alone in the newest message's text
    /// (<c>text</c>, else any of its strings): not a part of a phone number or a time.
    /// </summary>
    public async Task<string> ReadCodeAsync(Applicant a)
    {
        var messages = await api.SendAsync("GET /dev/sms", HttpMethod.Get, $"/api/v1/dev/sms?phone={a.OwnerPhone}", 200);
        var newest = messages.ValueKind == JsonValueKind.Array ? messages.EnumerateArray().FirstOrDefault() : default;
        return CodeIn(newest) ?? throw new UnexpectedAnswerException("GET /dev/sms", 200, "no_code", messages.GetRawText());
    }

    /// <summary>The six-digit code in a message of the outbox, or null.</summary>
    public static string? CodeIn(JsonElement message) => message.ValueKind switch
    {
        JsonValueKind.String => CodePattern().Match(message.GetString()!) is { Success: true } m ? m.Value : null,
        JsonValueKind.Object when message.TryGetProperty("text", out var text) && CodeIn(text) is { } code => code,
        JsonValueKind.Object => message.EnumerateObject().Select(p => p.Value.ValueKind == JsonValueKind.String ? CodeIn(p.Value) : null).FirstOrDefault(c => c is not null),
        _ => null,
    };

    /// <summary>
    /// Waits until <paramref name="confirmEnabledAt"/> by this machine's clock, then verifies. The contract says a
    /// verification sent then is never <c>sms_too_early</c>: one that is counts as the server's bug, and is retried
    /// once after 250 ms (counted apart when that is accepted); a second 425 ends the applicant's walk.
    /// </summary>
    public async Task VerifyAsync(Applicant a, string code, DateTimeOffset confirmEnabledAt)
    {
        await WaitUntilAsync(confirmEnabledAt);
        try
        {
            await SendVerificationAsync(a, code);
        }
        catch (UnexpectedAnswerException e) when (e.Status == 425)
        {
            api.Metrics.SmsTooEarlyAnswered();
            await Task.Delay(TooEarlyRetryDelay);
            await SendVerificationAsync(a, code);
            api.Metrics.SmsTooEarlyAcceptedOnRetry();
        }
    }

    private Task SendVerificationAsync(Applicant a, string code) =>
        api.SendAsync("POST /selections/{vin}/verification", HttpMethod.Post, $"{Selection(a)}/verification", 200, a.Token, new { code }, idempotent: true);

    /// <summary>Draws a batch; returns its numbers in the order shown.</summary>
    public async Task<IReadOnlyList<string>> DrawAsync(Applicant a)
    {
        var drawn = await api.SendAsync("POST /selections/{vin}/draws", HttpMethod.Post, $"{Selection(a)}/draws", 201, a.Token, new { excludeFour = false }, idempotent: true);
        IReadOnlyList<string> plates = [.. drawn.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString()!)];
        return plates.Count > 0 ? plates : throw new UnexpectedAnswerException("POST /selections/{vin}/draws", 201, "empty_batch", drawn.GetRawText());
    }

    public Task BackupAsync(Applicant a, string plate) =>
        api.SendAsync("POST /selections/{vin}/backups", HttpMethod.Post, $"{Selection(a)}/backups", 200, a.Token, new { plate }, idempotent: true);

    /// <summary>Confirms a backup; a 200 is recorded as the vehicle's number, for the ledger check at the end.</summary>
    public async Task ConfirmAsync(Applicant a, string plate)
    {
        await api.SendAsync("POST /selections/{vin}/confirmation", HttpMethod.Post, $"{Selection(a)}/confirmation", 200, a.Token, new { plate }, idempotent: true);
        api.Metrics.Confirm(a.Vin, plate);
    }

    public Task<JsonElement> ReadAsync(Applicant a) =>
        api.SendAsync("GET /selections/{vin}", HttpMethod.Get, Selection(a), 200, a.Token);

    /// <summary>Waits until the moment by this machine's clock, never less (a delay is whole milliseconds, rounded down).</summary>
    public static async Task WaitUntilAsync(DateTimeOffset moment)
    {
        for (var wait = moment - DateTimeOffset.UtcNow; wait > TimeSpan.Zero; wait = moment - DateTimeOffset.UtcNow)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)));
        }
    }

    private static string Selection(Applicant a) => $"/api/v1/selections/{a.Vin}";

    [GeneratedRegex("(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex CodePattern();
}
