using System.Globalization;

namespace PlateOrleans.LoadTest;

/// <summary>What to run against, how many applicants, and over how long they arrive.</summary>
public sealed record LoadOptions
{
    public Uri Url { get; init; } = new("http://localhost:5000");

    public int Applicants { get; init; } = 1000;

    /// <summary>The applicants arrive evenly spread over this many seconds.</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>The office the tool creates (or replaces) for the run, with a pool of 100,000 small D numbers.</summary>
    public string Office { get; init; } = "139901";

    public string AdminUsername { get; init; } = "admin";

    public string AdminPassword { get; init; } = "Admin-Passw0rd";

    /// <summary>The office's SMS confirm countdown: each applicant waits it out, as a person would.</summary>
    public int SmsDelaySeconds { get; init; } = 5;

    /// <summary>
    /// Applicants who walk the flow before the surge, over <see cref="WarmupSeconds"/>, and are not counted: a process
    /// just started runs unoptimised code at first, and opening day meets a server that has been up for a while.
    /// </summary>
    public int Warmup { get; init; } = 200;

    public double WarmupSeconds { get; init; } = 5;

    /// <summary>How many registrations (and sign-ins) run at once while preparing; not part of the surge.</summary>
    public int SetupParallelism { get; init; } = 16;

    public const string Usage = """
        Usage: dotnet run -c Release --project tools/LoadTest -- [options]
          --url URL              the API (default http://localhost:5000)
          --applicants N         how many applicants arrive (default 1000)
          --seconds S            over how many seconds they arrive, evenly spread (default 10)
          --office CODE          the office created for the run (default 139901, prefix 冀A)
          --admin USER:PASSWORD  an admin of the API (default admin:Admin-Passw0rd)
          --sms-delay S          the office's SMS confirm countdown (default 5)
          --warmup N             applicants walking the flow over 5 s first, not counted (default 200; 0 for none)
          --setup-parallelism N  registrations at once while preparing (default 16)
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
                "--applicants" => options with { Applicants = Positive(name, value) },
                "--seconds" => options with { Seconds = double.Parse(value, CultureInfo.InvariantCulture) is > 0 and var s ? s : throw new ArgumentException($"{name} must be above 0.") },
                "--office" => options with { Office = value },
                "--admin" when value.Split(':', 2) is [var user, var password] => options with { AdminUsername = user, AdminPassword = password },
                "--sms-delay" => options with { SmsDelaySeconds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) is >= 0 and var w ? w : throw new ArgumentException($"{name} must not be negative.") },
                "--setup-parallelism" => options with { SetupParallelism = Positive(name, value) },
                _ => throw new ArgumentException($"Unknown option {name} {value}."),
            };
        }

        return options;
    }

    private static int Positive(string name, string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) is > 0 and var n ? n : throw new ArgumentException($"{name} must be above 0.");
}
