using System.Globalization;
using Microsoft.Extensions.Hosting;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// Entry point of the second silo of the cluster test, run as a real process so that killing it is a real crash:
/// nothing gets to write "dead" on the way out. Test runners load this assembly as a library and never call it.
/// </summary>
public static class Program
{
    public const string ReadyLine = "SILO READY";

    public static async Task<int> Main(string[] args)
    {
        if (args is not ["silo", var connectionString, var clusterId, var siloPort, var gatewayPort])
        {
            await Console.Error.WriteLineAsync("usage: silo <postgres connection string> <cluster id> <silo port> <gateway port>");
            return 2;
        }

        var storage = new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = connectionString };
        var builder = Host.CreateApplicationBuilder();
        TestSilos.QuietLogging(builder.Logging);
        builder.UseOrleans(silo => TestSilos.ConfigureClusterMember(
            silo, storage, clusterId, int.Parse(siloPort, CultureInfo.InvariantCulture), int.Parse(gatewayPort, CultureInfo.InvariantCulture)));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        await host.WaitForShutdownAsync();
        return 0;
    }
}
