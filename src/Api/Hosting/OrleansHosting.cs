using System.Net;
using Orleans.Configuration;
using PlateOrleans.Silo.Hosting;

namespace PlateOrleans.Api.Hosting;

/// <summary>Settings of section <c>Orleans</c>.</summary>
public sealed class OrleansHostingOptions
{
    /// <summary><c>Standalone</c>: co-host a silo in this process (the default).</summary>
    public string Mode { get; set; } = Standalone;
    public string ServiceId { get; set; } = "plate-orleans";
    public string ClusterId { get; set; } = "dev";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    public const string Standalone = "Standalone";
}

/// <summary>Picks the hosting mode: a co-hosted silo (standalone) or a client of a cluster.</summary>
public static class OrleansHosting
{
    public static WebApplicationBuilder AddPlateOrleans(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Orleans").Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        if (!string.Equals(options.Mode, OrleansHostingOptions.Standalone, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Orleans:Mode '{options.Mode}' is not supported; use '{OrleansHostingOptions.Standalone}'.");
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
            silo.AddPlateSilo(builder.Configuration);
        });
        return builder;
    }
}
