using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using PlateOrleans.Silo.Hosting;
using PlateOrleans.Silo.Operations;

namespace PlateOrleans.Silo;

/// <summary>
/// A silo process of its own: a node of a cluster on PostgreSQL (membership, grain state, reminders, ledger), with a
/// small HTTP endpoint for its health and metrics (<see cref="OperationsOptions"/>).
/// Configure with <c>Storage__Provider=PostgreSql</c>, <c>Storage__ConnectionString</c>, the <c>Orleans__*</c> ports
/// and <c>Operations__*</c>; <c>scripts/cluster.sh</c> and <c>docker/compose.yaml</c> show it.
/// </summary>
public static class SiloProgram
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.UseOrleans(silo => silo.AddPlateClusterNode(builder.Configuration));
        builder.AddSiloOperations();
        var app = builder.Build();
        app.MapSiloOperations();
        await app.RunAsync();
    }
}
