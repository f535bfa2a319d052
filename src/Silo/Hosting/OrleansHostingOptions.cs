using System.Net;
using Microsoft.Extensions.Configuration;

namespace PlateOrleans.Silo.Hosting;

/// <summary>Settings of section <c>Orleans</c>: how a process takes part in the cluster.</summary>
public sealed class OrleansHostingOptions
{
    public const string SectionName = "Orleans";
    public const string Standalone = "Standalone";
    public const string Client = "Client";

    /// <summary>Orleans' <c>ClusterMembershipOptions</c> (probe timeouts, votes), bound as they are named there.</summary>
    public const string MembershipSection = SectionName + ":Membership";

    /// <summary>For the API: <c>Standalone</c> co-hosts a silo (the default), <c>Client</c> joins a cluster of silos.</summary>
    public string Mode { get; set; } = Standalone;

    public string ServiceId { get; set; } = "plate-orleans";

    public string ClusterId { get; set; } = "dev";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this silo at: an IP or a host name; empty means this machine's name.</summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>For a client: how long a grain call may take before it fails (Orleans' default is 30 s).</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsClient => string.Equals(Mode, Client, StringComparison.OrdinalIgnoreCase);

    public static OrleansHostingOptions FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        if (!options.IsClient && !string.Equals(options.Mode, Standalone, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Orleans:Mode is '{options.Mode}'; use '{Standalone}' or '{Client}'.");
        }

        return options;
    }

    /// <summary>The advertised address, resolved (a host name is looked up; IPv4 preferred).</summary>
    public IPAddress ResolveAdvertisedAddress()
    {
        var host = string.IsNullOrWhiteSpace(AdvertisedHost) ? Dns.GetHostName() : AdvertisedHost;
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(host);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"Orleans:AdvertisedHost '{host}' does not resolve.");
    }
}
