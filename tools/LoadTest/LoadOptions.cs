using System.Globalization;

namespace PlateOrleans.LoadTest;

/// <summary>What the run measures: every applicant walking the whole flow, or only the draw phase.</summary>
public enum Scenario
{
    /// <summary>Opening day: applicants arrive over the window and each walks the whole selection over HTTP.</summary>
    Surge,

    /// <summary>The draw phase: applicants verified beforehand, a fixed number at a time, each drawing, backing up and confirming.</summary>
    Draws,
}

/// <summary>How the surge's applicants spread over the window.</summary>
public enum ArrivalPattern
{
    /// <summary>Evenly over the whole window.</summary>
    Even,

    /// <summary>Half of them within the first quarter of the window, the rest evenly over the other three quarters.</summary>
    Spike,
}

/// <summary>What to run against, which scenario, how many applicants, and how they arrive.</summary>
public sealed record LoadOptions
{
    public Uri Url { get; init; } = new("http://localhost:5000");

    public Scenario Scenario { get; init; } = Scenario.Surge;

    public int Applicants { get; init; } = 1000;

    /// <summary>The surge's arrival window in seconds (the draw scenario has no window: it runs until all have finished).</summary>
    public double Seconds { get; init; } = 10;

    public ArrivalPattern Arrival { get; init; } = ArrivalPattern.Even;

    /// <summary>The draw scenario's applicants in flight at once (a closed loop: one finishes, the next starts).</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>The office the tool creates (or replaces) for the run, with a pool of 340,000 small D numbers.</summary>
    public string Office { get; init; } = "139901";

    public string AdminUsername { get; init; } = "admin";

    public string AdminPassword { get; init; } = "Admin-Passw0rd";

    /// <summary>The office's SMS confirm countdown: each applicant waits it out, as a person would.</summary>
    public int SmsDelaySeconds { get; init; } = 5;

    /// <summary>
    /// Applicants who run the scenario before the measured run and are not counted: a process just started runs
    /// unoptimised code at first, and opening day meets a server that has been up for a while.
    /// </summary>
    public int Warmup { get; init; } = 200;

    /// <summary>The surge warm-up's arrival window.</summary>
    public double WarmupSeconds { get; init; } = 5;

    /// <summary>How many applicants are prepared at once (registration, sign-in, and for the draw scenario verification); not measured.</summary>
    public int SetupParallelism { get; init; } = 16;

    /// <summary>
    /// How many times a request refused for overload (503 with <c>Retry-After</c>) is sent again after the wait the
    /// server asked for, as a frontend would; 0 (the default) ends the applicant's walk at the first refusal. Every
    /// refusal is still recorded as an answer with a 5xx status.
    /// </summary>
    public int BusyRetries { get; init; }

    /// <summary>The server's process on this machine, whose CPU time during the run the report gives per request; none when null.</summary>
    public int? ServerPid { get; init; }

    /// <summary>
    /// The database's processes on this machine by name (<c>postgres</c>), whose CPU time during the run the report gives
    /// per request beside the server's; none when null.
    /// </summary>
    public string? DatabaseProcess { get; init; }

    /// <summary>Where the report goes: <c>{prefix}.md</c>, <c>{prefix}.json</c> and <c>{prefix}.png</c>; none when null.</summary>
    public string? ReportPrefix { get; init; }

    /// <summary>
    /// When set, the measured run starts only once this file exists (the tool says <c>Ready</c> when it waits): several
    /// load tools, each prepared and warmed up, then start at the same moment. None when null.
    /// </summary>
    public string? StartFile { get; init; }

    public const string Usage = """
        Usage: dotnet run -c Release --project tools/LoadTest -- [options]
          --url URL              the API (default http://localhost:5000)
          --scenario NAME        surge: each applicant walks the whole flow (default);
                                 draws: verified applicants draw 5 times, back up and confirm, C at a time
          --applicants N         how many applicants (default 1000)
          --seconds S            surge: the arrival window in seconds (default 10)
          --arrival PATTERN      surge: even (default) or spike (half in the first quarter of the window)
          --concurrency C        draws: applicants in flight at once (default 64)
          --office CODE          the office created for the run (default 139901, prefix 冀A)
          --admin USER:PASSWORD  an admin of the API (default admin:Admin-Passw0rd)
          --sms-delay S          the office's SMS confirm countdown (default 5)
          --warmup N             applicants running the scenario first, not counted (default 200; 0 for none)
          --setup-parallelism N  applicants prepared at once (default 16)
          --report PREFIX        write PREFIX.md, PREFIX.json and PREFIX.png
          --server-pid PID       the server's process on this machine: report its CPU time per request (Linux)
          --database-process NAME
                                 the database's processes on this machine (e.g. postgres): report their CPU
                                 time per request too (Linux)
          --start-file PATH      after preparing and warming up, say "Ready" and wait for PATH to exist before
                                 the measured run (to start several load tools at one moment)
          --busy-retries N       resend a request refused with 503 and Retry-After up to N times, after the wait
                                 it asks for, as a frontend would (default 0: the walk ends at the refusal)
        """;

    /// <summary>The options of a command line; throws <see cref="ArgumentException"/> with what is wrong.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--url" => options with { Url = new Uri(value, UriKind.Absolute) },
                "--scenario" => options with { Scenario = Named<Scenario>(name, value) },
                "--applicants" => options with { Applicants = Positive(name, value) },
                "--seconds" => options with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) is > 0 and var s ? s : throw new ArgumentException($"{name} must be above 0.") },
                "--arrival" => options with { Arrival = Named<ArrivalPattern>(name, value) },
                "--concurrency" => options with { Concurrency = Positive(name, value) },
                "--office" => options with { Office = value },
                "--admin" when value.Split(':', 2) is [var user, var password] => options with { AdminUsername = user, AdminPassword = password },
                "--sms-delay" => options with { SmsDelaySeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) is >= 0 and var w ? w : throw new ArgumentException($"{name} must not be negative.") },
                "--setup-parallelism" => options with { SetupParallelism = Positive(name, value) },
                "--busy-retries" => options with { BusyRetries = int.Parse(value, CultureInfo.InvariantCulture) is >= 0 and var r ? r : throw new ArgumentException($"{name} must not be negative.") },
                "--server-pid" => options with { ServerPid = Positive(name, value) },
                "--database-process" => options with { DatabaseProcess = value.Length > 0 ? value : throw new ArgumentException($"{name} needs a process name.") },
                "--report" => options with { ReportPrefix = value.Length > 0 ? value : throw new ArgumentException($"{name} needs a path.") },
                "--start-file" => options with { StartFile = value.Length > 0 ? value : throw new ArgumentException($"{name} needs a path.") },
                _ => throw new ArgumentException($"Unknown option {name} {value}."),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) is > 0 and var n ? n : throw new ArgumentException($"{name} must be above 0.");

    /// <summary>An enum value by its name in any case, and nothing else (<see cref="Enum.Parse{T}(string)"/> would take numbers too).</summary>
    private static T Named<T>(string name, string value)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (v.ToString().Equals(value, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        throw new ArgumentException($"{name} is one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}.");
    }
}
