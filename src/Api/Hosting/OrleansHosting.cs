using PlateOrleans.Silo.Hosting;

namespace PlateOrleans.Api.Hosting;

/// <summary>Picks the hosting mode: a co-hosted silo (standalone, the default) or a client of a cluster.</summary>
public static class OrleansHosting
{
    public static WebApplicationBuilder AddPlateOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (OrleansHostingOptions.FromConfiguration(configuration).IsClient)
        {
            builder.UseOrleansClient(client => client.AddPlateClusterClient(configuration));
        }
        else
        {
            builder.UseOrleans(silo => silo.AddPlateStandaloneSilo(configuration));
        }

        return builder;
    }
}
