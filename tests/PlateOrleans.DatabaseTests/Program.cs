using System.Globalization;
using Microsoft.Extensions.Hosting;
using PlateOrleans.Silo.Hosting;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// Entry point of silos run as real processes so that killing them is a real crash: the second silo of the cluster
/// test (nothing gets to write "dead" on the way out), and the standalone silo of the restart test (nothing gets to
/// write its state on the way out). Test runners load this assembly as a library and never call it.
/// </summary>
public static class Program
{
    public const string ReadyLine = "SILO READY";

    public static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        TestSilos.QuietLogging(builder.Logging);
        switch (args)
        {
            case ["silo", var connectionString, var clusterId, var siloPort, var gatewayPort]:
                var storage = new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = connectionString };
                builder.UseOrleans(silo => TestSilos.ConfigureClusterMember(silo, storage, clusterId, Port(siloPort), Port(gatewayPort)));
                break;
            case ["standalone", var connectionString, var serviceId, var siloPort, var gatewayPort]:
                // The app's silo as the standalone API co-hosts it: every grain, on SQLite.
                // Development, as the standalone API runs on a developer's machine: the SMS outbox is only there.
                builder.Environment.EnvironmentName = Environments.Development;
                builder.Configuration[HostDefaults.EnvironmentKey] = Environments.Development;
                builder.Configuration["Sms:Provider"] = "Outbox";
                builder.Configuration["Storage:Provider"] = nameof(StorageProvider.Sqlite);
                builder.Configuration["Storage:ConnectionString"] = connectionString;
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(Port(siloPort), Port(gatewayPort), serviceId: serviceId, clusterId: serviceId)
                    .AddPlateSilo(builder.Configuration));
                break;
            default:
                await Console.Error.WriteLineAsync(
                    "usage: silo <postgres connection string> <cluster id> <silo port> <gateway port>\n" +
                    "       standalone <sqlite connection string> <service id> <silo port> <gateway port>");
                return 2;
        }

        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        await host.WaitForShutdownAsync();
        return 0;
    }

    private static int Port(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
