using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PlateOrleans.LoadTest;

/// <summary>How a surge went: who finished, who did not and why, and every endpoint's times.</summary>
public sealed record SurgeReport(
    int Applicants,
    int Completed,
    IReadOnlyDictionary<string, int> Failures,
    TimeSpan ArrivalWindow,
    TimeSpan Duration,
    IReadOnlyList<Latencies.Row> Endpoints,
    int ServerErrors);

/// <summary>
/// Opening day: the prepared applicants arrive evenly spread over the window, and each walks the whole formal
/// selection as the web frontend would: enter, read the notice, confirm the information, start, ask for the SMS code,
/// read it off the phone (the development outbox), wait out the confirm countdown, verify, draw a batch, keep one
/// number as backup, confirm it, and read the finished selection.
/// </summary>
public sealed partial class Surge(LoadApi api, LoadOptions options)
{
    private const int EarlyRetries = 20;

    private readonly ConcurrentDictionary<string, int> _failures = new();
    private int _completed;

    public async Task<SurgeReport> RunAsync(IReadOnlyList<Applicant> applicants)
    {
        var window = TimeSpan.FromSeconds(options.Seconds);
        var clock = Stopwatch.StartNew();
        var walks = new List<Task>(applicants.Count);
        for (var i = 0; i < applicants.Count; i++)
        {
            var arrival = window * i / applicants.Count;
            if (arrival > clock.Elapsed)
            {
                await Task.Delay(arrival - clock.Elapsed);
            }

            var applicant = applicants[i];
            walks.Add(Task.Run(() => WalkAsync(applicant)));
        }

        var arrived = clock.Elapsed;
        await Task.WhenAll(walks);
        return new SurgeReport(applicants.Count, _completed, _failures, arrived, clock.Elapsed, api.Latencies.Summarise(), api.Latencies.ServerErrors);
    }

    private async Task WalkAsync(Applicant a)
    {
        try
        {
            var selection = $"/api/v1/selections/{a.Vin}";
            await api.SendAsync("POST /selections/{vin}", HttpMethod.Post, selection, 200, a.Token, idempotent: true);
            var notice = await api.SendAsync("GET /offices/{code}/notice", HttpMethod.Get, $"/api/v1/offices/{options.Office}/notice", 200);
            await api.SendAsync("POST .../info-confirmation", HttpMethod.Post, $"{selection}/info-confirmation", 200, a.Token, new { noticeVersion = notice.GetProperty("version").GetString() }, idempotent: true);
            await api.SendAsync("POST .../start", HttpMethod.Post, $"{selection}/start", 200, a.Token, idempotent: true);
            var sent = await api.SendAsync("POST .../sms-code", HttpMethod.Post, $"{selection}/sms-code", 202, a.Token, idempotent: true);
            var code = await ReadCodeAsync(a.Phone);
            await WaitUntilAsync(sent.GetProperty("confirmEnabledAt").GetDateTimeOffset());
            await VerifyAsync(selection, a.Token, code);
            var drawn = await api.SendAsync("POST .../draws", HttpMethod.Post, $"{selection}/draws", 201, a.Token, new { excludeFour = false }, idempotent: true);
            var plates = drawn.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString()!).ToList();
            var plate = plates[Random.Shared.Next(plates.Count)];
            await api.SendAsync("POST .../backups", HttpMethod.Post, $"{selection}/backups", 200, a.Token, new { plate }, idempotent: true);
            await api.SendAsync("POST .../confirmation", HttpMethod.Post, $"{selection}/confirmation", 200, a.Token, new { plate }, idempotent: true);
            var done = await api.SendAsync("GET /selections/{vin}", HttpMethod.Get, selection, 200, a.Token);
            if (done.GetProperty("stage").GetString() != "completed" || done.GetProperty("selected").GetProperty("plate").GetString() != plate)
            {
                throw new UnexpectedAnswerException("GET /selections/{vin}", 200, "not_completed", done.GetRawText());
            }

            Interlocked.Increment(ref _completed);
        }
        catch (UnexpectedAnswerException e)
        {
            _failures.AddOrUpdate($"{e.Endpoint} {e.Status} {e.Code}", 1, (_, n) => n + 1);
        }
    }

    /// <summary>The newest code sent to the phone, as the applicant reads it off the SMS.</summary>
    private async Task<string> ReadCodeAsync(string phone)
    {
        var messages = await api.SendAsync("GET /dev/sms", HttpMethod.Get, $"/api/v1/dev/sms?phone={phone}", 200);
        var text = messages.EnumerateArray().Select(m => m.GetProperty("text").GetString()).FirstOrDefault() ?? "";
        return CodePattern().Match(text) is { Success: true } match
            ? match.Value
            : throw new UnexpectedAnswerException("GET /dev/sms", 200, "no_code", messages.GetRawText());
    }

    /// <summary>Verifies; a confirm countdown not over yet by the server's clock is waited out again (425), as a person would.</summary>
    private async Task VerifyAsync(string selection, string token, string code)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await api.SendAsync("POST .../verification", HttpMethod.Post, $"{selection}/verification", 200, token, new { code }, idempotent: true);
                return;
            }
            catch (UnexpectedAnswerException e) when (e.Status == 425 && attempt < EarlyRetries)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task WaitUntilAsync(DateTimeOffset moment)
    {
        var wait = moment - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex CodePattern();
}
