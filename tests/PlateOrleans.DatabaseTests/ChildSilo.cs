using System.Diagnostics;
using System.Globalization;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>A cluster silo in a process of its own (this assembly's <see cref="Program"/>), so that it can be killed for real.</summary>
public sealed class ChildSilo : IAsyncDisposable
{
    private readonly Process _process;

    private ChildSilo(Process process) => _process = process;

    /// <summary>A member of a cluster on PostgreSQL.</summary>
    public static Task<ChildSilo> StartAsync(StorageOptions storage, string clusterId, int siloPort, int gatewayPort) =>
        StartAsync("silo", storage, clusterId, siloPort, gatewayPort);

    /// <summary>The standalone app's silo (every grain) on a SQLite file, with localhost clustering.</summary>
    public static Task<ChildSilo> StartStandaloneAsync(StorageOptions sqlite, string serviceId, int siloPort, int gatewayPort) =>
        StartAsync("standalone", sqlite, serviceId, siloPort, gatewayPort);

    private static async Task<ChildSilo> StartAsync(string mode, StorageOptions storage, string clusterId, int siloPort, int gatewayPort)
    {
        var dotnet = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "exec", typeof(Program).Assembly.Location, mode, storage.ResolveConnectionString(), clusterId,
                     siloPort.ToString(CultureInfo.InvariantCulture), gatewayPort.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child silo.");
        var silo = new ChildSilo(process);
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == Program.ReadyLine)
                {
                    // Keep draining its output, or a full pipe would block the silo.
                    _ = process.StandardOutput.ReadToEndAsync();
                    return silo;
                }
            }

            throw new InvalidOperationException($"The child silo exited before it was ready: {await errors}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the process at once: no shutdown, no last word to the membership table.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
