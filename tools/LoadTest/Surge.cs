using System.Diagnostics;

namespace PlateOrleans.LoadTest;

/// <summary>
/// Opening day: the prepared applicants arrive over the window (evenly or as a spike), and each walks the whole formal
/// selection as the web frontend would: enter, read the notice, confirm the information, start, ask for the SMS code,
/// read it off the phone (the development outbox), wait out the confirm countdown, verify, draw a batch, keep one
/// number as backup, confirm it, and read the finished selection.
/// </summary>
public sealed class Surge(LoadApi api, LoadOptions options)
{
    private readonly SelectionSteps _steps = new(api, options.Office);

    public async Task<ScenarioResult> RunAsync(IReadOnlyList<Applicant> applicants)
    {
        var schedule = Arrivals.Schedule(applicants.Count, TimeSpan.FromSeconds(options.Seconds), options.Arrival);
        var clock = Stopwatch.StartNew();
        var walks = new List<Task>(applicants.Count);
        for (var i = 0; i < applicants.Count; i++)
        {
            // One reading of the clock: read twice, a busy machine can pass the moment in between, and Task.Delay
            // throws on a negative wait (which stopped the arrivals of a 20,000-applicant run halfway).
            var wait = schedule[i] - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var applicant = applicants[i];
            api.Metrics.Arrive();
            walks.Add(Task.Run(() => WalkAsync(applicant)));
        }

        var arrived = clock.Elapsed;
        await Task.WhenAll(walks);
        return ScenarioResult.Of(api.Metrics, applicants.Count, arrived, clock.Elapsed);
    }

    private async Task WalkAsync(Applicant a)
    {
        try
        {
            await _steps.EnterAsync(a);
            await _steps.ConfirmInfoAsync(a, await _steps.NoticeVersionAsync());
            await _steps.StartAsync(a);
            var confirmEnabledAt = await _steps.SendCodeAsync(a);
            await _steps.VerifyAsync(a, await _steps.ReadCodeAsync(a), confirmEnabledAt);
            var plates = await _steps.DrawAsync(a);
            var plate = plates[Random.Shared.Next(plates.Count)];
            await _steps.BackupAsync(a, plate);
            await _steps.ConfirmAsync(a, plate);
            var done = await _steps.ReadAsync(a);
            if (done.GetProperty("stage").GetString() != "completed" || done.GetProperty("selected").GetProperty("plate").GetString() != plate)
            {
                throw new UnexpectedAnswerException("GET /selections/{vin}", 200, "not_completed", done.GetRawText());
            }

            api.Metrics.Finish();
        }
        catch (UnexpectedAnswerException e)
        {
            api.Metrics.Fail(e.Reason);
        }
    }
}
