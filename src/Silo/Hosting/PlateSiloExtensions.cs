using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using PlateOrleans.Grains;
using PlateOrleans.Silo.Sms;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.Silo.Hosting;

/// <summary>What a PlateOrleans silo needs, whether it runs alone, co-hosted in the API, or in a test cluster.</summary>
public static class PlateSiloExtensions
{
    /// <summary>
    /// Grain storage, reminders, the ledger and the audit trail on the configured database (section <c>Storage</c>;
    /// SQLite under ./data/ by default), SMS (section <c>Sms</c>: <see cref="SmsHostingExtensions"/>) and the clock. No clustering: the caller picks it.
    /// </summary>
    public static ISiloBuilder AddPlateSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = StorageOptions.FromConfiguration(configuration);
        silo.UsePlateStorage(storage);
        silo.Services.AddPlateLedger(storage);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddPlateSms(configuration);
        silo.Services.AddDatabaseExceptionSerialization();
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<SelectionMetrics>();
        return silo;
    }

    /// <summary>The one silo of the standalone app, on loopback, with the dashboard.</summary>
    public static ISiloBuilder AddPlateStandaloneSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = OrleansHostingOptions.FromConfiguration(configuration);
        silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
        silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
        silo.AddDashboard();
        return silo.AddPlateSilo(configuration);
    }

    /// <summary>A node of a cluster: membership, storage, reminders and ledger in PostgreSQL, and the dashboard.</summary>
    public static ISiloBuilder AddPlateClusterNode(this ISiloBuilder silo, IConfiguration configuration)
    {
        var orleans = OrleansHostingOptions.FromConfiguration(configuration);
        var storage = StorageOptions.FromConfiguration(configuration);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = orleans.ServiceId;
            o.ClusterId = orleans.ClusterId;
        });
        silo.ConfigureEndpoints(orleans.ResolveAdvertisedAddress(), orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: true);
        silo.UsePlateClustering(storage);
        // Failure detection (how soon a crashed silo is declared dead and its grains move) is tunable per deployment.
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(OrleansHostingOptions.MembershipSection));
        silo.AddDashboard();
        return silo.AddPlateSilo(configuration);
    }

    /// <summary>A client of the cluster (the API in cluster mode): finds gateways in PostgreSQL and waits for them at start.</summary>
    public static IClientBuilder AddPlateClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
        var orleans = OrleansHostingOptions.FromConfiguration(configuration);
        client.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = orleans.ServiceId;
            o.ClusterId = orleans.ClusterId;
        });
        client.UsePlateClustering(StorageOptions.FromConfiguration(configuration));
        // How long a request waits for a grain before the API answers 503: shorter than a browser's patience.
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
        client.UseConnectionRetryFilter<WaitForTheCluster>();
        client.Services.AddDatabaseExceptionSerialization();
        client.AddDashboard();
        return client;
    }

    /// <summary>
    /// Lets database errors cross grain calls. Orleans serializes exceptions of the System and Microsoft namespaces only;
    /// a grain whose activation failed on an unreachable PostgreSQL would otherwise answer "no codec for NpgsqlException"
    /// instead of the error itself, and the API could not tell an outage (503) from a bug.
    /// </summary>
    private static void AddDatabaseExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));

    /// <summary>Keeps trying to reach the cluster at start for up to two minutes: silos may start after the API.</summary>
    private sealed class WaitForTheCluster : IClientConnectionRetryFilter
    {
        private readonly DateTime _giveUpAt = DateTime.UtcNow.AddMinutes(2);

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTime.UtcNow > _giveUpAt)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
