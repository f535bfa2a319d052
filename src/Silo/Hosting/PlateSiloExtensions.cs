using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PlateOrleans.Grains.Sms;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.Silo.Hosting;

/// <summary>What every PlateOrleans silo needs, whether it runs alone, co-hosted in the API, or in a test cluster.</summary>
public static class PlateSiloExtensions
{
    /// <summary>
    /// Grain storage, reminders, the ledger and the audit trail on the configured database (section <c>Storage</c>;
    /// SQLite under ./data/ by default), SMS and the clock.
    /// </summary>
    public static ISiloBuilder AddPlateSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = StorageOptions.FromConfiguration(configuration);
        silo.UsePlateStorage(storage);
        silo.Services.AddPlateLedger(storage);
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<ISmsSender, OutboxSmsSender>();
        return silo;
    }
}
