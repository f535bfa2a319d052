using Microsoft.Extensions.Hosting;
using PlateOrleans.Silo.Hosting;

namespace PlateOrleans.Silo;

/// <summary>
/// A silo process of its own: a node of a cluster on PostgreSQL (membership, grain state, reminders, ledger).
/// Configure with <c>Storage__Provider=PostgreSql</c>, <c>Storage__ConnectionString</c> and the <c>Orleans__*</c> ports;
/// <c>scripts/cluster.sh</c> and <c>docker/compose.yaml</c> show it.
/// </summary>
public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.UseOrleans(silo => silo.AddPlateClusterNode(builder.Configuration));
        await builder.Build().RunAsync();
    }
}
