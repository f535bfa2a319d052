using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using PlateOrleans.Grains;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.Silo.Storage;

/// <summary>Registers the project's storage with a silo, a client or a service collection: one call per concern.</summary>
public static class StorageHostingExtensions
{
    /// <summary>
    /// Default grain storage, the group-committing storage <see cref="StorageNames.Selections"/> and the reminder
    /// service on the configured database (in memory for <see cref="StorageProvider.Memory"/>), with the schema migrated
    /// before any provider touches the database. Grains that write rarely use <c>[PersistentState("name")]</c> without a
    /// storage name; those that write on every step name <see cref="StorageNames.Selections"/>.
    /// </summary>
    public static ISiloBuilder UsePlateStorage(this ISiloBuilder silo, StorageOptions options)
    {
        // Every provider stores with Orleans' own binary serializer, not the providers' default JSON: the state types
        // are [GenerateSerializer] records, versioned by their [Id]s, and hold collections the JSON serializer cannot
        // rebuild. The memory provider too, so that the grain tests (which run on it) round-trip states as production does.
        if (options.Provider == StorageProvider.Memory)
        {
            silo.AddMemoryGrainStorageAsDefault(WithOrleansSerializer);
            silo.AddMemoryGrainStorage(StorageNames.Selections, WithOrleansSerializer);
            silo.UseInMemoryReminderService();
            return silo;
        }

        var connectionString = options.ResolveConnectionString();
        var invariant = options.AdoNetInvariant;
        silo.Services.AddSchemaMigration(options);
        silo.AddAdoNetGrainStorageAsDefault((OptionsBuilder<AdoNetGrainStorageOptions> storage) => storage.Configure<Serializer>((o, serializer) =>
        {
            o.Invariant = invariant;
            o.ConnectionString = connectionString;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.Services.AddGrainStorage(StorageNames.Selections, (services, name) => GroupCommitGrainStorage.Create(services, name, options));
        silo.UseAdoNetReminderService(reminders =>
        {
            reminders.Invariant = invariant;
            reminders.ConnectionString = connectionString;
        });
        if (options.Provider == StorageProvider.Sqlite)
        {
            silo.Services.TakeSqliteTurns(connectionString, options.TimeoutSeconds);
        }
        else
        {
            silo.Services.GroupReminderUpserts(serviceId => new PostgreSqlReminderUpserts(connectionString, serviceId), remove => remove());
        }

        return silo;
    }

    private static void WithOrleansSerializer(OptionsBuilder<MemoryGrainStorageOptions> storage) =>
        storage.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));

    /// <summary>
    /// Cluster membership in PostgreSQL, so that silos on several machines find each other, with the schema
    /// migrated before the membership table is first read. Cluster and service ids are configured by the caller.
    /// </summary>
    public static ISiloBuilder UsePlateClustering(this ISiloBuilder silo, StorageOptions options)
    {
        var connectionString = ClusteringConnectionString(options);
        silo.Services.AddSchemaMigration(options);
        return silo.UseAdoNetClustering(clustering =>
        {
            clustering.Invariant = options.AdoNetInvariant;
            clustering.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// Finds the cluster's gateways in the PostgreSQL membership table. The client does not migrate: the silos own
    /// the schema, so start at least one silo first.
    /// </summary>
    public static IClientBuilder UsePlateClustering(this IClientBuilder client, StorageOptions options)
    {
        var connectionString = ClusteringConnectionString(options);
        return client.UseAdoNetClustering(clustering =>
        {
            clustering.Invariant = options.AdoNetInvariant;
            clustering.ConnectionString = connectionString;
        });
    }

    /// <summary>
    /// The plate ledger and the audit trail as singletons: in process memory for <see cref="StorageProvider.Memory"/>,
    /// otherwise in the configured database (whose schema the silo migrates).
    /// </summary>
    public static IServiceCollection AddPlateLedger(this IServiceCollection services, StorageOptions options)
    {
        if (options.Provider == StorageProvider.Memory)
        {
            services.AddSingleton<IPlateLedger, InMemoryPlateLedger>();
            services.AddSingleton<IAuditTrail, InMemoryAuditTrail>();
            return services;
        }

        services.AddSingleton(_ => LedgerDatabase.Create(options));
        services.AddSingleton<IPlateLedger>(sp => new SqlPlateLedger(sp.GetRequiredService<LedgerDatabase>()));
        services.AddSingleton<IAuditTrail>(sp => new SqlAuditTrail(sp.GetRequiredService<LedgerDatabase>()));
        return services;
    }

    private static string ClusteringConnectionString(StorageOptions options) =>
        options.Provider == StorageProvider.PostgreSql
            ? options.ResolveConnectionString()
            : throw new InvalidOperationException(
                $"Clustering through the database needs PostgreSql; {options.Provider} runs one silo with localhost clustering.");

    /// <summary>Migrates each database once, however many of the calls above ask for it.</summary>
    private static void AddSchemaMigration(this IServiceCollection services, StorageOptions options)
    {
        var databases = services.FirstOrDefault(d => d.ServiceType == typeof(MigratedDatabases))?.ImplementationInstance as MigratedDatabases;
        if (databases is null)
        {
            databases = [];
            services.AddSingleton(databases);
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigrationParticipant>();
        }

        var connectionString = options.ResolveConnectionString();
        if (!databases.Any(d => d.Provider == options.Provider && d.ResolveConnectionString() == connectionString))
        {
            databases.Add(options);
        }
    }

    private sealed class MigratedDatabases : List<StorageOptions>;

    /// <summary>
    /// Runs the migrations at the very first stage of the silo lifecycle: before membership (RuntimeInitialize),
    /// grain storage (ApplicationServices) and reminders read their queries from the database.
    /// </summary>
    private sealed class SchemaMigrationParticipant(MigratedDatabases databases, ILoggerFactory loggers) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaMigrator), ServiceLifecycleStage.First, async ct =>
            {
                var logger = loggers.CreateLogger(typeof(SchemaMigrator));
                foreach (var database in databases)
                {
                    await SchemaMigrator.MigrateAsync(database, logger, ct);
                }
            });
    }
}
