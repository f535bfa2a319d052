using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Hosting;

namespace PlateOrleans.GrainTests;

/// <summary>One in-process silo with the real grains and in-memory storage, shared by the tests of the collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private static int _sequence;

    public InProcessTestCluster Cluster { get; } = new InProcessTestClusterBuilder(1)
        .ConfigureSilo((_, silo) => silo.AddPlateSilo(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Memory",
                // The outbox, from which the tests read codes, is for Development only.
                [Microsoft.Extensions.Hosting.HostDefaults.EnvironmentKey] = "Development",
                ["Sms:Provider"] = "Outbox",
            })
            .Build()))
        .Build();

    public IClusterClient Client => Cluster.Client;

    public IPlateLedger Ledger => Cluster.GetSiloServiceProvider().GetRequiredService<IPlateLedger>();

    public IAuditTrail Audit => Cluster.GetSiloServiceProvider().GetRequiredService<IAuditTrail>();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A fresh office code of Hebei (13xxxx) with its prefix 冀A, so tests do not share pools.</summary>
    public static string NewOfficeCode() => $"13{Interlocked.Increment(ref _sequence) % 10_000:0000}";

    /// <summary>A fresh, valid VIN.</summary>
    public static string NewVin() => Vin.WithCheckDigit($"LTEST0000{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}");

    /// <summary>A fresh, valid resident ID number (a random birth date and sequence).</summary>
    public static string NewIdNumber() =>
        IdNumbers.PersonWithCheck($"130102{Random.Shared.Next(1960, 2005)}{Random.Shared.Next(1, 13):00}{Random.Shared.Next(1, 29):00}{Random.Shared.Next(1000):000}");

    /// <summary>Creates an office open all day with a small-D pool of the given blocks.</summary>
    public async Task<OfficeSnapshot> CreateOfficeAsync(OfficeRules? rules = null, params string[] blocks)
    {
        var code = NewOfficeCode();
        var office = Client.GetGrain<IOfficeGrain>(code);
        await office.PutAsync(new OfficeSettings { Name = "测试车管所", Prefix = "冀A", Province = "冀", Hours = OfficeHours.AllDay, Rules = rules ?? OfficeRules.Default });
        var published = await office.PublishPoolAsync(new PoolPublication([new SeriesBlocks(PlateKind.Small, 'D', blocks.Length > 0 ? blocks : ["D0####"])]));
        return published.Value!;
    }

    /// <summary>A citizen of the office who owns one small pure-electric car there.</summary>
    public async Task<(Caller Caller, string Vin)> CreateApplicantAsync(string officeCode, string? phone = null)
    {
        var id = NewIdNumber();
        var username = "u" + Guid.NewGuid().ToString("N")[..12];
        phone ??= $"139{Random.Shared.Next(100_000_000):00000000}";
        await Client.GetGrain<IOwnerGrain>(id).RegisterAsync(new AccountRecord
        {
            Username = username,
            PasswordHash = "-",
            Role = Role.Citizen,
            Phone = phone,
            UserType = UserType.Owner,
            OfficeCode = officeCode,
            IdNumber = id,
        });
        var vin = NewVin();
        await Client.GetGrain<IVehicleGrain>(vin).UpsertAsync(new VehicleRecord(vin, "冀A12345", PlateKind.Small, EnergyKind.Pure, id, officeCode, phone));
        return (new Caller(username, Role.Citizen, officeCode, id, UserType.Owner), vin);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
