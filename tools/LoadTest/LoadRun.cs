using System.Diagnostics;
using System.Globalization;

namespace PlateOrleans.LoadTest;

/// <summary>
/// One run of the tool: prepare the office and the applicants (not measured), warm the server up (not counted), run
/// the scenario with a line of progress a second, check the invariants through the operator API, and report.
/// </summary>
public sealed class LoadRun(LoadOptions options, TextWriter output)
{
    /// <summary>Runs; returns the process's exit code: 0 when the run passed, 1 when it did not.</summary>
    public async Task<int> ExecuteAsync()
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };

        Say(options.Scenario == Scenario.Surge
            ? (FormattableString)$"PlateOrleans load test, surge: {options.Applicants} applicants arriving over {options.Seconds} s ({options.Arrival.ToString().ToLowerInvariant()}) at {options.Url}, office {options.Office}"
            : $"PlateOrleans load test, draws: {options.Applicants} verified applicants, {options.Concurrency} at a time, at {options.Url}, office {options.Office}");
        var clock = Stopwatch.StartNew();
        var setup = new LoadApi(http, options.BusyRetries);
        var preparation = new Preparation(setup, options);
        IReadOnlyList<Applicant> warmup, applicants;
        try
        {
            var admin = await preparation.AdminTokenAsync();
            await preparation.CreateOfficeAsync(admin);
            warmup = await preparation.ApplicantsAsync(admin, options.Warmup);
            applicants = await preparation.ApplicantsAsync(admin, options.Applicants, new Told(n => Say($"Registered and signed in {n} of {options.Applicants} applicants ({clock.Elapsed.TotalSeconds:0} s).")));
            Say($"Prepared {warmup.Count + applicants.Count} applicants (registered, signed in, cars imported) in {clock.Elapsed.TotalSeconds:0} s.");
            if (options.Scenario == Scenario.Draws)
            {
                var all = warmup.Count + applicants.Count;
                await preparation.VerifyAsync([.. warmup, .. applicants], new Told(done => Say($"Verified {done} of {all} applicants ({clock.Elapsed.TotalSeconds:0} s).")));
            }
        }
        catch (Exception e) when (e is UnexpectedAnswerException or HttpRequestException or InvalidOperationException)
        {
            output.WriteLine($"Preparing failed: {e.Message}");
            return 1;
        }

        var confirmed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (warmup.Count > 0)
        {
            var warm = await RunAsync(new LoadApi(http, options.BusyRetries), "warm-up", options with { Seconds = options.WarmupSeconds, Arrival = ArrivalPattern.Even }, warmup);
            Say($"Warm-up: {warm.Result.Finished} of {warm.Result.Applicants} finished in {warm.Result.Duration.TotalSeconds:0.0} s (not counted below).");
            foreach (var (vin, plate) in warm.Result.Confirmed)
            {
                confirmed[vin] = plate;
            }
        }

        if (options.StartFile is { } startFile)
        {
            Say($"Ready; the run starts when {startFile} exists.");
            await WhenExistsAsync(startFile);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var cpuBefore = options.ServerPid is { } pid ? ProcessCpu.Read(pid) : null;
        var databaseCpuBefore = options.DatabaseProcess is { } database ? ProcessCpu.ReadAll(database) : null;
        var ownCpuBefore = ProcessCpu.Read(Environment.ProcessId);
        var (result, timeline) = await RunAsync(new LoadApi(http, options.BusyRetries), options.Scenario.ToString().ToLowerInvariant(), options, applicants);
        foreach (var (vin, plate) in result.Confirmed)
        {
            confirmed[vin] = plate;
        }

        InvariantReport invariants;
        try
        {
            invariants = await Invariants.CheckAsync(setup, await preparation.AdminTokenAsync(), options.Office, confirmed);
        }
        catch (Exception e) when (e is UnexpectedAnswerException or HttpRequestException or InvalidOperationException or KeyNotFoundException)
        {
            invariants = new InvariantReport(0, confirmed.Count, [], [$"could not be read: {e.Message}"]);
        }

        var ownCpuAfter = ProcessCpu.Read(Environment.ProcessId);
        var cpuAfter = options.ServerPid is { } server ? ProcessCpu.Read(server) : null;
        var databaseCpuAfter = options.DatabaseProcess is { } databaseAfter ? ProcessCpu.ReadAll(databaseAfter) : null;
        var requests = result.Endpoints.Sum(e => (long)e.Count);
        var report = new RunReport(options, startedAt, result, timeline, invariants, setup.Metrics.SmsTooEarly, setup.Metrics.SmsTooEarlyAccepted)
        {
            ServerCpu = ProcessCpu.Between(cpuBefore, cpuAfter, result.Duration, requests),
            DatabaseCpu = ProcessCpu.Between(databaseCpuBefore, databaseCpuAfter, result.Duration, requests),
            LoadToolCpu = ProcessCpu.Between(ownCpuBefore, ownCpuAfter, result.Duration, requests),
        };
        output.WriteLine();
        output.Write(report.ToMarkdown());
        if (options.ReportPrefix is { } prefix)
        {
            await report.WriteAsync(prefix);
            Say($"Report: {prefix}.md, {prefix}.json, {prefix}.png");
        }

        return report.Passed ? 0 : 1;
    }

    /// <summary>Completes once <paramref name="path"/> exists, looking every 10 ms.</summary>
    public static async Task WhenExistsAsync(string path)
    {
        while (!File.Exists(path))
        {
            await Task.Delay(10);
        }
    }

    private async Task<(ScenarioResult Result, IReadOnlyList<TimelinePoint> Timeline)> RunAsync(
        LoadApi api, string label, LoadOptions run, IReadOnlyList<Applicant> applicants)
    {
        var progress = Progress.Start(api.Metrics, label, applicants.Count, output);
        var result = run.Scenario == Scenario.Surge
            ? await new Surge(api, run).RunAsync(applicants)
            : await new Draws(api, run).RunAsync(applicants);
        return (result, await progress.StopAsync());
    }

    private void Say(FormattableString line) => output.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>Says how far preparing got at once, on the caller's thread (<see cref="Progress{T}"/> would post it, out of order).</summary>
    private sealed class Told(Action<int> say) : IProgress<int>
    {
        public void Report(int value) => say(value);
    }
}
