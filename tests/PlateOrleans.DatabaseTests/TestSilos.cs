using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using PlateOrleans.Silo.Storage;
using PlateOrleans.Testing;

namespace PlateOrleans.DatabaseTests;

/// <summary>Plain hosts with a silo, configured as production does (UsePlateStorage), on free ports.</summary>
public static class TestSilos
{
    /// <summary>
    /// Starts a one-silo cluster with localhost clustering. Hosts started one after the other with the same
    /// <paramref name="serviceId"/> share grain state and reminders, like restarts of one deployment.
    /// </summary>
    public static async Task<IHost> StartStandaloneAsync(StorageOptions storage, string serviceId, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        QuietLogging(builder.Logging);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(TcpPorts.GetFree(), TcpPorts.GetFree(), serviceId: serviceId, clusterId: serviceId);
            silo.UsePlateStorage(storage);
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Starts a silo that joins the cluster through the PostgreSQL membership table, with failure detection tuned
    /// to seconds so that a test can watch a dead silo being declared dead.
    /// </summary>
    public static async Task<IHost> StartClusterMemberAsync(StorageOptions storage, string clusterId, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        QuietLogging(builder.Logging);
        builder.UseOrleans(silo => ConfigureClusterMember(silo, storage, clusterId, siloPort, gatewayPort));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static void ConfigureClusterMember(ISiloBuilder silo, StorageOptions storage, string clusterId, int siloPort, int gatewayPort)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = clusterId;
        });
        silo.ConfigureEndpoints(System.Net.IPAddress.Loopback, siloPort, gatewayPort);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
        });
        silo.UsePlateStorage(storage);
        silo.UsePlateClustering(storage);
    }

    public static void QuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole();
        logging.SetMinimumLevel(LogLevel.Warning);
        // Orleans logs expected membership churn (probes to the killed silo) as warnings and errors.
        logging.AddFilter("Orleans", LogLevel.Critical);
        logging.AddFilter("Microsoft.Orleans", LogLevel.Critical);
    }

    public static T Service<T>(this IHost host) where T : notnull => host.Services.GetRequiredService<T>();
}
