using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PlateOrleans.LoadTest;

/// <summary>
/// Everything one run found: what was run, the applicants and every endpoint, each second of the run, the invariants,
/// and the server's bugs it saw. Written as Markdown (for people), JSON (for tools) and a PNG (<see cref="Chart"/>).
/// </summary>
public sealed record RunReport(
    LoadOptions Options,
    DateTimeOffset StartedAt,
    ScenarioResult Result,
    IReadOnlyList<TimelinePoint> Timeline,
    InvariantReport Invariants,
    int PreparationSmsTooEarly,
    int PreparationSmsTooEarlyAccepted)
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Why the run failed: empty when every applicant finished, nothing answered 5xx or broke the contract, and the invariants hold.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (Result.Finished < Result.Applicants)
            {
                problems.Add($"{Result.Applicants - Result.Finished} of {Result.Applicants} applicants did not finish");
            }

            if (Result.ServerErrors > 0)
            {
                problems.Add($"{Result.ServerErrors} answers with a 5xx status");
            }

            if (Result.SmsTooEarly + PreparationSmsTooEarly > 0)
            {
                problems.Add($"{Result.SmsTooEarly + PreparationSmsTooEarly} verifications sent at or after confirmEnabledAt answered sms_too_early");
            }

            problems.AddRange(Invariants.Broken.Select(b => $"invariant broken: {b}"));
            return problems;
        }
    }

    public bool Passed => Problems.Count == 0;

    /// <summary>The server's CPU time during the run, when the tool was told its process (<c>--server-pid</c>).</summary>
    public ProcessCpu? ServerCpu { get; init; }

    /// <summary>The database's CPU time during the run, when the tool was told its processes (<c>--database-process</c>).</summary>
    public ProcessCpu? DatabaseCpu { get; init; }

    /// <summary>The load tool's own CPU during the run (it shares the machine when the server runs beside it).</summary>
    public ProcessCpu? LoadToolCpu { get; init; }

    public static string Machine =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>Writes <c>{prefix}.md</c>, <c>{prefix}.json</c> and <c>{prefix}.png</c>, making the folder if need be.</summary>
    public async Task WriteAsync(string prefix)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllTextAsync(prefix + ".md", ToMarkdown(Path.GetFileName(prefix) + ".png"));
        await File.WriteAllTextAsync(prefix + ".json", ToJson());
        Chart.Save(this, prefix + ".png");
    }

    public string Title => Options.Scenario == Scenario.Surge
        ? Invariant($"surge: {Result.Applicants} applicants arriving over {Options.Seconds:0.#} s ({Options.Arrival.ToString().ToLowerInvariant()})")
        : Invariant($"draws: {Result.Applicants} verified applicants, {Options.Concurrency} at a time");

    /// <summary>The report for people; <paramref name="chart"/> is the PNG's path relative to the Markdown file (none on the console).</summary>
    public string ToMarkdown(string? chart = null)
    {
        var r = Result;
        var md = new StringBuilder();
        Line(md, Invariant($"# PlateOrleans load test, {Title}"));
        Line(md, "");
        Line(md, Invariant($"- Server: {Options.Url}, office {Options.Office}; started {StartedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}"));
        Line(md, Invariant($"- Load machine: {Machine}"));
        Line(md, Invariant($"- Warm-up first, not counted: {Options.Warmup} applicants"));
        Line(md, Invariant($"- Requests refused with 503 and Retry-After sent again: {(Options.BusyRetries > 0 ? $"up to {Options.BusyRetries} times, after the wait asked for" : "no, the walk ends there")}"));
        Line(md, Invariant($"- Outcome: {(Passed ? "**passed**" : "**failed**: " + string.Join("; ", Problems))}"));
        Line(md, "");
        Line(md, "## Applicants");
        Line(md, "");
        Line(md, Invariant($"| applicants | finished | failed | arrivals over | last answer after | finished per second |"));
        Line(md, Invariant($"| ---: | ---: | ---: | ---: | ---: | ---: |"));
        Line(md, Invariant($"| {r.Applicants} | {r.Finished} | {r.Applicants - r.Finished} | {r.ArrivalWindow.TotalSeconds:0.0} s | {r.Duration.TotalSeconds:0.0} s | {r.FinishedPerSecond:0.0} |"));
        Line(md, "");
        foreach (var (failure, count) in r.Failures.OrderByDescending(f => f.Value))
        {
            Line(md, Invariant($"- stopped at `{failure}`: {count}"));
        }

        Line(md, Invariant($"- answers with a 5xx status: {r.ServerErrors}"));
        if (ServerCpu is { } cpu)
        {
            Line(md, Invariant($"- the server's CPU during the run: {cpu.Seconds:0.0} s, {cpu.MillisecondsPerRequest:0.000} ms per request, {cpu.Cores:0.00} cores on average"));
        }

        if (DatabaseCpu is { } database)
        {
            Line(md, Invariant($"- the database's CPU during the run: {database.Seconds:0.0} s, {database.MillisecondsPerRequest:0.000} ms per request, {database.Cores:0.00} cores on average"));
        }

        if (LoadToolCpu is { } own)
        {
            Line(md, Invariant($"- the load tool's own CPU during the run: {own.Seconds:0.0} s, {own.MillisecondsPerRequest:0.000} ms per request, {own.Cores:0.00} cores on average"));
        }

        Line(md, Invariant($"- verifications sent at or after `confirmEnabledAt` and answered `sms_too_early` (the server's bug): {r.SmsTooEarly} in the run ({r.SmsTooEarlyAccepted} accepted on one retry 250 ms later), {PreparationSmsTooEarly} while preparing ({PreparationSmsTooEarlyAccepted} accepted on the retry)"));
        Line(md, "");
        Line(md, "## Endpoints");
        Line(md, "");
        Line(md, "Times in ms, from sending the request to reading the whole answer (HdrHistogram, 3 significant digits).");
        Line(md, "");
        Line(md, "| endpoint | requests | unexpected | statuses | p50 | p90 | p99 | p99.9 | max |");
        Line(md, "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var e in r.Endpoints)
        {
            var statuses = string.Join(" ", e.Statuses.Select(s => Invariant($"{(s.Key == 0 ? "none" : s.Key.ToString(CultureInfo.InvariantCulture))}×{s.Value}")));
            Line(md, Invariant($"| `{e.Endpoint}` | {e.Count} | {e.Unexpected} | {statuses} | {e.P50:0.0} | {e.P90:0.0} | {e.P99:0.0} | {e.P999:0.0} | {e.Max:0.0} |"));
        }

        Line(md, "");
        Line(md, "## Invariants, through the operator API");
        Line(md, "");
        Line(md, Invariant($"{Invariants.Assignments} assignments in the ledger; {Invariants.Confirmed} confirmations of this run answered 200 (warm-up included)."));
        Line(md, "");
        Line(md, "| series | total | available | held | reserved | issued |");
        Line(md, "| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in Invariants.Pool)
        {
            Line(md, Invariant($"| {s.Series} | {s.Total} | {s.Available} | {s.Held} | {s.Reserved} | {s.Issued} |"));
        }

        Line(md, "");
        if (Invariants.Hold)
        {
            Line(md, "All hold: no number to two vehicles, no vehicle with two numbers, every confirmation in the ledger, the pool counts add up.");
        }
        else
        {
            foreach (var broken in Invariants.Broken)
            {
                Line(md, Invariant($"- **broken**: {broken}"));
            }
        }

        if (chart is not null)
        {
            Line(md, "");
            Line(md, "## Over time");
            Line(md, "");
            Line(md, Invariant($"![finished per second and p99 over time]({chart})"));
        }

        return md.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            scenario = Options.Scenario.ToString().ToLowerInvariant(),
            title = Title,
            url = Options.Url,
            office = Options.Office,
            startedAt = StartedAt,
            machine = Machine,
            options = new
            {
                applicants = Options.Applicants,
                seconds = Options.Seconds,
                arrival = Options.Arrival.ToString().ToLowerInvariant(),
                concurrency = Options.Concurrency,
                warmup = Options.Warmup,
                smsDelaySeconds = Options.SmsDelaySeconds,
                busyRetries = Options.BusyRetries,
            },
            passed = Passed,
            problems = Problems,
            applicants = Result.Applicants,
            finished = Result.Finished,
            failures = Result.Failures,
            arrivalSeconds = Result.ArrivalWindow.TotalSeconds,
            durationSeconds = Result.Duration.TotalSeconds,
            finishedPerSecond = Result.FinishedPerSecond,
            serverErrors = Result.ServerErrors,
            serverCpu = Cpu(ServerCpu),
            databaseCpu = Cpu(DatabaseCpu),
            loadToolCpu = Cpu(LoadToolCpu),
            smsTooEarly = new { run = Result.SmsTooEarly, runAcceptedOnRetry = Result.SmsTooEarlyAccepted, preparation = PreparationSmsTooEarly, preparationAcceptedOnRetry = PreparationSmsTooEarlyAccepted },
            endpoints = Result.Endpoints.Select(e => new
            {
                endpoint = e.Endpoint,
                requests = e.Count,
                unexpected = e.Unexpected,
                statuses = e.Statuses.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
                p50Ms = e.P50,
                p90Ms = e.P90,
                p99Ms = e.P99,
                p999Ms = e.P999,
                maxMs = e.Max,
            }),
            invariants = new { hold = Invariants.Hold, Invariants.Assignments, Invariants.Confirmed, Invariants.Pool, Invariants.Broken },
            timeline = Timeline,
        },
        _json);

    private static object? Cpu(ProcessCpu? cpu) =>
        cpu is null ? null : new { seconds = cpu.Seconds, msPerRequest = cpu.MillisecondsPerRequest, cores = cpu.Cores, requests = cpu.Requests };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder md, string text) => md.Append(text).Append('\n');
}
