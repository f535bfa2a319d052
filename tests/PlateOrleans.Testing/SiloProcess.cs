using System.Diagnostics;
using System.Globalization;

namespace PlateOrleans.Testing;

/// <summary>
/// A silo of <c>src/Silo</c> (PlateOrleans.Silo.dll from the test's output folder) in a process of its own, configured
/// only through environment variables as a deployment would be, so that killing it is a real crash. Its output goes
/// to a log file, shown by <see cref="ToString"/> for failure messages.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort, string logFile)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
        LogFile = logFile;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Its health and metrics endpoint, on loopback (<c>Operations:Port</c>).</summary>
    public int HttpPort { get; }

    public string LogFile { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a cluster member on free loopback ports with these settings (configuration keys such as
    /// <c>Storage:ConnectionString</c>); it is running, not necessarily active yet, when this returns.
    /// </summary>
    public static SiloProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var (siloPort, gatewayPort, httpPort) = (TcpPorts.GetFree(), TcpPorts.GetFree(), TcpPorts.GetFree());
        // A directory without appsettings.json: the settings below are all there is.
        var directory = TestDirectories.Create("silo");
        var logFile = Path.Combine(directory, "silo.log");
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PlateOrleans.Silo.dll"));
        var environment = new Dictionary<string, string>(settings)
        {
            ["Orleans:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans:AdvertisedHost"] = "127.0.0.1",
            ["Operations:Port"] = httpPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a silo process.");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var gate = new object();
        void Write(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => log.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, siloPort, gatewayPort, httpPort, logFile);
    }

    /// <summary>Ends the process at once: no shutdown, no last word to the membership table.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    public override string ToString() =>
        $"silo :{SiloPort} (gateway :{GatewayPort}){(HasExited ? " exited" : "")}, last lines of its log:\n{string.Join('\n', ReadLog().TakeLast(40))}";

    /// <summary>
    /// The log in brief: its entries ("warn: Category[id]" lines of the console logger) counted by kind, in the order
    /// each kind first appeared, with that first entry's message; stack traces left out.
    /// </summary>
    public string Summary()
    {
        var lines = ReadLog();
        var kinds = new Dictionary<string, (int Count, string First)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 6 && lines[i][4] == ':' && lines[i][5] == ' ')
            {
                var first = i + 1 < lines.Length ? lines[i + 1].Trim() : "";
                kinds[lines[i]] = kinds.TryGetValue(lines[i], out var kind) ? (kind.Count + 1, kind.First) : (1, first);
            }
        }

        var summary = kinds.Select(k => $"  {k.Value.Count,5} x {k.Key} {k.Value.First}");
        return string.Join('\n', summary.Prepend($"silo :{SiloPort}{(HasExited ? " exited" : "")}, its log by kind of entry:"));
    }

    private string[] ReadLog()
    {
        try
        {
            using var reader = new StreamReader(new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().Split('\n');
        }
        catch (IOException e)
        {
            return [e.Message];
        }
    }
}
