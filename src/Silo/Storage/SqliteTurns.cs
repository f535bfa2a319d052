using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Makes Orleans' own ADO.NET writers on SQLite (the default grain storage, the reminder table) take their turn at the
/// file with ours (<see cref="SqliteWriter"/>), so that no two connections of this process ask for SQLite's write
/// lock at once and none pays Microsoft.Data.Sqlite's 150 ms sleep for a busy database. Reads pass straight through;
/// reminder upserts are committed in groups (<see cref="SqliteReminderUpserts"/>) within the writer's shared transaction.
/// </summary>
internal static class SqliteTurns
{
    /// <summary>
    /// Wraps the registered default grain storage and reminder table; call after registering them. Our own writes wait
    /// up to <paramref name="timeoutSeconds"/> for a file another process holds, as the ledger's do.
    /// </summary>
    public static void TakeSqliteTurns(this IServiceCollection services, string connectionString, int timeoutSeconds)
    {
        connectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = timeoutSeconds }.ToString();
        var writer = SqliteWriter.For(connectionString);

        services.GroupReminderUpserts(
            serviceId => new SqliteReminderUpserts(connectionString, serviceId), remove => InTurnAsync(writer, remove));

        const string name = ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME;
        var storage = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        services.Remove(storage);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new TurnTakingGrainStorage(Decorating.Create<IGrainStorage>(sp, storage, key), writer));
    }

    private static Task<T> InTurnAsync<T>(SqliteWriter writer, Func<Task<T>> write) => writer.RunToCompletionAsync("orleans", write);

    private static Task InTurnAsync(SqliteWriter writer, Func<Task> write) =>
        writer.RunToCompletionAsync("orleans", async () => { await write(); return true; });

    private sealed class TurnTakingGrainStorage(IGrainStorage inner, SqliteWriter writer) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            inner.ReadStateAsync(stateName, grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            InTurnAsync(writer, () => inner.WriteStateAsync(stateName, grainId, grainState));

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            InTurnAsync(writer, () => inner.ClearStateAsync(stateName, grainId, grainState));

        public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
    }
}
