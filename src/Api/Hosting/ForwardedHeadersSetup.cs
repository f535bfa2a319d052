using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace PlateOrleans.Api.Hosting;

/// <summary>
/// The client's address and scheme behind a reverse proxy (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>), taken
/// only from the proxies of section <c>ForwardedHeaders</c>: <c>KnownProxies</c> (addresses) and <c>KnownNetworks</c>
/// (CIDR ranges), each a list or one comma-separated value. None configured, no one is trusted, not even loopback:
/// otherwise anyone could pick the address the per-address limits count them under by sending the header.
/// </summary>
public static class ForwardedHeadersSetup
{
    public const string Section = "ForwardedHeaders";

    public static IServiceCollection AddPlateForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Values(configuration.GetSection($"{Section}:KnownProxies"))
            .Select(p => IPAddress.TryParse(p, out var address)
                ? address
                : throw new InvalidOperationException($"{Section}:KnownProxies has '{p}', which is not an IP address."))
            .ToList();
        var networks = Values(configuration.GetSection($"{Section}:KnownNetworks"))
            .Select(n => System.Net.IPNetwork.TryParse(n, out var network)
                ? network
                : throw new InvalidOperationException($"{Section}:KnownNetworks has '{n}', which is not a CIDR range such as 172.28.0.0/16."))
            .ToList();
        return services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The middleware believes everyone when both lists are empty: then it is told to read no header at all.
            o.ForwardedHeaders = proxies.Count + networks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto
                : ForwardedHeaders.None;
            // One proxy (the shipped nginx) sets the header: only its last entry, the address it saw, is believed.
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
    }

    private static IEnumerable<string> Values(IConfigurationSection section) =>
        (section.Value is { Length: > 0 } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? ""))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0);
}
