using System.Globalization;
using System.Runtime.InteropServices;

namespace PlateOrleans.LoadTest;

/// <summary>
/// The CPU time a process spent during the measured run, read from Linux's <c>/proc/PID/stat</c>: the server's, when it
/// runs on this machine (<c>--server-pid</c>), its database's (<c>--database-process</c>), and the load tool's own. CPU per request moves far less between runs on a
/// shared machine than throughput does, so it is what a change to a request's path is judged by; the load tool's share
/// says how much of the machine the client itself took from the server.
/// </summary>
/// <param name="Seconds">User and system CPU time of the process during the run.</param>
/// <param name="WallSeconds">How long the run took.</param>
/// <param name="Requests">The requests the run sent.</param>
public sealed record ProcessCpu(double Seconds, double WallSeconds, long Requests)
{
    public double MillisecondsPerRequest => Requests > 0 ? Seconds * 1000 / Requests : 0;

    /// <summary>How many cores the process kept busy on average.</summary>
    public double Cores => WallSeconds > 0 ? Seconds / WallSeconds : 0;

    /// <summary>The CPU spent between two readings over a run of <paramref name="duration"/>, or null if either is missing.</summary>
    public static ProcessCpu? Between(double? before, double? after, TimeSpan duration, long requests) =>
        before is { } b && after is { } a ? new ProcessCpu(a - b, duration.TotalSeconds, requests) : null;

    /// <summary>The process's CPU time so far (user and system), or null when it cannot be read.</summary>
    public static double? Read(int pid) => Ticks(pid) is { } ticks ? (double)ticks / ClockTicksPerSecond() : null;

    /// <summary>
    /// The CPU time so far of every process named <paramref name="name"/> (as <c>/proc/PID/comm</c> gives it, e.g.
    /// <c>postgres</c>: the server and every backend), or null when there is none. A process that ends between two
    /// readings takes its time with it: pooled connections' backends live through a run.
    /// </summary>
    public static double? ReadAll(string name)
    {
        long total = 0;
        var found = false;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText($"{directory}/comm").TrimEnd('\n') != name || Ticks(pid) is not { } ticks)
                {
                    continue;
                }

                total += ticks;
                found = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended while being read.
            }
        }

        return found ? (double)total / ClockTicksPerSecond() : null;
    }

    private static long? Ticks(int pid)
    {
        try
        {
            // "pid (comm) state ppid ..."; the name may hold spaces and parentheses, so fields count from the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long ClockTicksPerSecond()
    {
        const int clockTicks = 2; // _SC_CLK_TCK on Linux
        var ticks = SysConf(clockTicks);
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
