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
/// reminder upserts are committed in groups (<see cref="SqliteReminderUpserts"/>).
/// </summary>
internal static class SqliteTurns
{
    /// <summary>Wraps the registered default grain storage and reminder table; call after registering them.</summary>
    public static void TakeSqliteTurns(this IServiceCollection services, string connectionString)
    {
        var writer = SqliteWriter.For(connectionString);

        var reminders = services.Last(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService);
        services.Remove(reminders);
        services.AddSingleton<IReminderTable>(sp => new TurnTakingReminderTable(
            Create<IReminderTable>(sp, reminders, null), writer,
            new SqliteReminderUpserts(connectionString, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId)));

        const string name = ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME;
        var storage = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        services.Remove(storage);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new TurnTakingGrainStorage(Create<IGrainStorage>(sp, storage, key), writer));
    }

    private static T Create<T>(IServiceProvider services, ServiceDescriptor descriptor, object? key) where T : class =>
        (T)(descriptor.IsKeyedService
            ? descriptor.KeyedImplementationInstance
                ?? descriptor.KeyedImplementationFactory?.Invoke(services, key)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!)
            : descriptor.ImplementationInstance
                ?? descriptor.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private static Task<T> InTurnAsync<T>(SqliteWriter writer, Func<Task<T>> write) => writer.RunToCompletionAsync("orleans", write);

    private static Task InTurnAsync(SqliteWriter writer, Func<Task> write) =>
        writer.RunToCompletionAsync("orleans", async () => { await write(); return true; });

    private sealed class TurnTakingReminderTable(IReminderTable inner, SqliteWriter writer, SqliteReminderUpserts upserts) : IReminderTable
    {
        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

        public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) => inner.ReadRows(grainId, cancellationToken);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

        public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) => inner.ReadRows(begin, end, cancellationToken);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
            inner.ReadRow(grainId, reminderName, cancellationToken);

        public Task<string?> UpsertRow(ReminderEntry entry) => upserts.UpsertAsync(entry);

        public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken) =>
            upserts.UpsertAsync(entry);

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
            InTurnAsync(writer, () => inner.RemoveRow(grainId, reminderName, eTag));

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
            InTurnAsync(writer, () => inner.RemoveRow(grainId, reminderName, eTag, cancellationToken));

        public Task TestOnlyClearTable() => InTurnAsync(writer, inner.TestOnlyClearTable);

        public Task TestOnlyClearTable(CancellationToken cancellationToken) => InTurnAsync(writer, () => inner.TestOnlyClearTable(cancellationToken));
    }

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
