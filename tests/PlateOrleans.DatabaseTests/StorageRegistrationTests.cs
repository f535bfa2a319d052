using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using PlateOrleans.Grains;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>The one-call registrations a host makes, for each storage provider.</summary>
public sealed class StorageRegistrationTests
{
    [Fact]
    public void TheStorageSectionPicksTheProviderAndConnectionString()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = "Host=db;Database=plates",
        }).Build();

        var options = StorageOptions.FromConfiguration(configuration);

        Assert.Equal((StorageProvider.PostgreSql, "Host=db;Database=plates"), (options.Provider, options.ConnectionString));
        Assert.Equal(StorageProvider.Sqlite, StorageOptions.FromConfiguration(new ConfigurationBuilder().Build()).Provider);
    }

    [Fact]
    public async Task MemoryStorageRunsASiloWithoutADatabaseAndKeepsTheLedgerInMemory()
    {
        var options = new StorageOptions { Provider = StorageProvider.Memory };
        using var host = await TestSilos.StartStandaloneAsync(options, $"memory-{Guid.NewGuid():N}", silo => silo.Services.AddPlateLedger(options));

        var grain = host.Service<IGrainFactory>().GetGrain<IStateTestGrain>("in-memory");
        await grain.SetAsync("kept");
        var reminders = host.Service<IGrainFactory>().GetGrain<IReminderTestGrain>($"in-memory-{Guid.NewGuid():N}");
        await reminders.RegisterAsync(TimeSpan.FromMinutes(5));

        Assert.Equal("kept", await grain.GetAsync());
        Assert.True(await reminders.HasReminderAsync());
        Assert.IsType<InMemoryPlateLedger>(host.Service<IPlateLedger>());
        Assert.IsType<InMemoryAuditTrail>(host.Service<IAuditTrail>());
        // States round-trip through Orleans' serializer, as in the database providers, not the memory provider's default JSON.
        var storage = host.Service<IOptionsMonitor<MemoryGrainStorageOptions>>();
        Assert.All(new[] { ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, StorageNames.Selections },
            name => Assert.IsType<OrleansGrainStorageSerializer>(storage.Get(name).GrainStorageSerializer));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task DatabaseStorageGivesTheSiloSqlLedgerAndAuditTrailOnTheDatabaseItMigrated(Engine engine)
    {
        var options = await TestDatabases.CreateAsync(engine, "registration");
        using var host = await TestSilos.StartStandaloneAsync(options, $"registration-{Guid.NewGuid():N}", silo => silo.Services.AddPlateLedger(options));

        var ledger = Assert.IsType<SqlPlateLedger>(host.Service<IPlateLedger>());
        var trail = Assert.IsType<SqlAuditTrail>(host.Service<IAuditTrail>());
        var entry = new LedgerEntry("4401", "粤B12345", "VIN-REGISTERED", ConfirmedBy.Auto, DateTimeOffset.UtcNow, new DateOnly(2026, 3, 17));

        Assert.Equal(LedgerWriteStatus.Written, (await ledger.ReserveAsync(entry)).Status);
        await trail.AppendAsync(new AuditEvent(entry.ReservedAt, AuditKinds.AutoConfirmation, entry.Vin, entry.OfficeCode, null, [entry.Plate]));
        Assert.Single(await trail.ReadByVinAsync(entry.Vin));
    }
}
