using System.Diagnostics;
using System.Globalization;

namespace PlateOrleans.Testing;

/// <summary>
/// Scratch directories for tests, under one root in the temporary folder, each named after the process that made
/// it. A test run that is killed leaves its directories (and PostgreSQL servers) behind: the next process that asks
/// for a directory stops those servers and deletes the directories of processes that no longer run.
/// </summary>
public static class TestDirectories
{
    private static readonly string _root = Path.Combine(Path.GetTempPath(), "plateorleans-tests");
    private static readonly Lazy<bool> _sweep = new(SweepAbandoned);

    /// <summary>A new, empty directory, readable by other users (the postgres user must reach its servers' files).</summary>
    public static string Create(string purpose)
    {
        _ = _sweep.Value;
        var directory = Path.Combine(_root, $"{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static bool SweepAbandoned()
    {
        Directory.CreateDirectory(_root);
        // Our own directories go when this process exits (best effort: a killed process leaves them to the next sweep).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll(Environment.ProcessId);
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            var owner = Path.GetFileName(directory).Split('-')[0];
            if (int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                PostgresServer.StopAbandoned(directory);
                TryDelete(directory);
            }
        }

        return true;
    }

    private static void DeleteAll(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories(_root, $"{pid.ToString(CultureInfo.InvariantCulture)}-*"))
        {
            // A server still running is its owner's to stop (PostgresServer's own exit hook), or the next sweep's.
            if (!File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
            {
                TryDelete(directory);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Still in use (a server stopping): the next sweep takes it.
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's files: not ours to remove.
        }
    }
}
