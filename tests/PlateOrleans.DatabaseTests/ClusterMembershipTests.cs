using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Messaging;
using PlateOrleans.Silo.Storage;
using PlateOrleans.Testing;

namespace PlateOrleans.DatabaseTests;

/// <summary>The ADO.NET clustering provider against the project's PostgreSQL schema, with real silo processes.</summary>
public sealed class ClusterMembershipTests
{
    private const int Active = 3;
    private const int Dead = 6;

    [SkippableFact]
    public async Task TwoSilosJoinThroughTheMembershipTableAndTheSurvivorDeclaresAKilledOneDead()
    {
        var storage = await TestDatabases.CreateAsync(Engine.PostgreSql, "cluster");
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        var (portA, gatewayA, portB, gatewayB) = (TcpPorts.GetFree(), TcpPorts.GetFree(), TcpPorts.GetFree(), TcpPorts.GetFree());

        using var siloA = await TestSilos.StartClusterMemberAsync(storage, clusterId, portA, gatewayA);
        await using var siloB = await ChildSilo.StartAsync(storage, clusterId, portB, gatewayB);
        await Eventually.TrueAsync(
            async () => (await MembersAsync(storage, clusterId)).Count(m => m.Status == Active) == 2,
            TimeSpan.FromSeconds(30), "both silos are active in the membership table");

        var clientBuilder = Host.CreateApplicationBuilder();
        TestSilos.QuietLogging(clientBuilder.Logging);
        clientBuilder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
            client.UsePlateClustering(storage);
        });
        using var client = clientBuilder.Build();
        await client.StartAsync();
        var gateways = client.Service<IGatewayListProvider>();
        Assert.Equal(new[] { gatewayA, gatewayB }.Order(), (await gateways.GetGateways()).Select(g => g.Port).Order());
        var grain = client.Service<IClusterClient>().GetGrain<IStateTestGrain>("through-the-gateway");
        await grain.SetAsync("reached");
        Assert.Equal("reached", await grain.GetAsync());

        await siloB.KillAsync();

        await Eventually.TrueAsync(
            async () => (await MembersAsync(storage, clusterId)).Any(m => m.Port == portB && m.Status == Dead),
            TimeSpan.FromSeconds(60), "the killed silo is declared dead");
        var members = await MembersAsync(storage, clusterId);
        var killed = Assert.Single(members, m => m.Port == portB);
        // The vote that killed it names the survivor: the process itself never wrote again.
        Assert.Contains($"127.0.0.1:{portA}@", killed.SuspectTimes);
        Assert.Equal(Active, Assert.Single(members, m => m.Port == portA).Status);
        Assert.Equal([gatewayA], (await gateways.GetGateways()).Select(g => g.Port));
    }

    private static async Task<List<(int Port, int Status, string? SuspectTimes)>> MembersAsync(StorageOptions storage, string clusterId)
    {
        await using var connection = await TestDatabases.OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT port, status, suspect_times FROM orleans_membership WHERE deployment_id = @cluster";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "cluster";
        parameter.Value = clusterId;
        command.Parameters.Add(parameter);
        var members = new List<(int, int, string?)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            members.Add((reader.GetInt32(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return members;
    }
}
