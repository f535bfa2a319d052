using System.Diagnostics;

namespace PlateOrleans.LoadTest;

/// <summary>
/// The draw phase alone: applicants verified beforehand (stage <c>drawing</c>), <see cref="LoadOptions.Concurrency"/>
/// of them at a time (when one finishes, the next starts), each drawing five times and backing up each batch's first
/// number, then confirming the last backup. What it measures is how many applicants the server finishes per second.
/// </summary>
public sealed class Draws(LoadApi api, LoadOptions options)
{
    public const int DrawsPerApplicant = 5;

    private readonly SelectionSteps _steps = new(api, options.Office);

    public async Task<ScenarioResult> RunAsync(IReadOnlyList<Applicant> verified)
    {
        var next = -1;
        var lastStart = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Min(options.Concurrency, Math.Max(verified.Count, 1))).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < verified.Count; i = Interlocked.Increment(ref next))
            {
                if (i == verified.Count - 1)
                {
                    lastStart = clock.Elapsed;
                }

                api.Metrics.Arrive();
                await WalkAsync(verified[i]);
            }
        }));
        await Task.WhenAll(workers);
        return ScenarioResult.Of(api.Metrics, verified.Count, lastStart, clock.Elapsed);
    }

    private async Task WalkAsync(Applicant a)
    {
        try
        {
            var backup = "";
            for (var draw = 0; draw < DrawsPerApplicant; draw++)
            {
                backup = (await _steps.DrawAsync(a))[0];
                await _steps.BackupAsync(a, backup);
            }

            await _steps.ConfirmAsync(a, backup);
            api.Metrics.Finish();
        }
        catch (UnexpectedAnswerException e)
        {
            api.Metrics.Fail(e.Reason);
        }
    }
}
