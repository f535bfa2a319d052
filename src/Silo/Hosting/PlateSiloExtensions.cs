using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Silo.Hosting;

/// <summary>What every PlateOrleans silo needs, whether it runs alone, co-hosted in the API, or in a test cluster.</summary>
public static class PlateSiloExtensions
{
    /// <summary>Storage, reminders, the ledger, the audit trail, SMS and the clock.</summary>
    public static ISiloBuilder AddPlateSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddMemoryGrainStorageAsDefault();
        silo.UseInMemoryReminderService();
        var services = silo.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPlateLedger, InMemoryPlateLedger>();
        services.TryAddSingleton<IAuditTrail, InMemoryAuditTrail>();
        services.TryAddSingleton<ISmsSender, OutboxSmsSender>();
        return silo;
    }
}
