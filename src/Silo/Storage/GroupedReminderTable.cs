using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Orleans' ADO.NET reminder table with its upserts committed in groups (<see cref="IReminderUpserts"/>): Orleans'
/// table commits each upsert alone, and a selection registers two reminders (the draw countdown, then the exchange
/// deadline), which made the reminder table a large share of the database's commits in the draw phase
/// (<c>docs/benchmarks.md</c>). Reads pass straight through; removals run where <paramref name="inTurn"/> puts them
/// (on SQLite, in the file writer's order, behind any upsert of the same reminder queued before).
/// </summary>
internal sealed class GroupedReminderTable(IReminderTable inner, IReminderUpserts upserts, Func<Func<Task<bool>>, Task<bool>> inTurn)
    : IReminderTable, IAsyncDisposable
{
    /// <summary>With the silo's services: commits the upserts already queued and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (upserts is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

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

    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken) => upserts.UpsertAsync(entry);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        inTurn(() => inner.RemoveRow(grainId, reminderName, eTag));

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        inTurn(() => inner.RemoveRow(grainId, reminderName, eTag, cancellationToken));

    public Task TestOnlyClearTable() => inTurn(async () => { await inner.TestOnlyClearTable(); return true; });

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        inTurn(async () => { await inner.TestOnlyClearTable(cancellationToken); return true; });
}

/// <summary>Replacing registered services by wrappers of them.</summary>
internal static class Decorating
{
    /// <summary>
    /// Puts <see cref="GroupedReminderTable"/> around the registered reminder table; call after registering it.
    /// <paramref name="upserts"/> is given the cluster's service id.
    /// </summary>
    public static void GroupReminderUpserts(
        this IServiceCollection services, Func<string, IReminderUpserts> upserts, Func<Func<Task<bool>>, Task<bool>> inTurn)
    {
        var reminders = services.Last(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService);
        services.Remove(reminders);
        services.AddSingleton<IReminderTable>(sp => new GroupedReminderTable(
            Create<IReminderTable>(sp, reminders, null), upserts(sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId), inTurn));
    }

    /// <summary>The instance a descriptor registers, made as the container would make it.</summary>
    public static T Create<T>(IServiceProvider services, ServiceDescriptor descriptor, object? key) where T : class =>
        (T)(descriptor.IsKeyedService
            ? descriptor.KeyedImplementationInstance
                ?? descriptor.KeyedImplementationFactory?.Invoke(services, key)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.KeyedImplementationType!)
            : descriptor.ImplementationInstance
                ?? descriptor.ImplementationFactory?.Invoke(services)
                ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

/// <summary>Reminder upserts with Orleans' own statement (read from <c>OrleansQuery</c>), committed in groups.</summary>
internal interface IReminderUpserts
{
    /// <summary>Inserts or updates the reminder; answers its new ETag once its group committed.</summary>
    Task<string?> UpsertAsync(ReminderEntry entry);
}

/// <summary>The parameters of Orleans' reminder upsert, as its <c>AdoNetReminderTable</c> sets them.</summary>
internal static class ReminderParameters
{
    /// <summary>
    /// Each parameter's name (without a prefix) and value: a start time without a kind is UTC, the grain's hash a
    /// signed int, the period in milliseconds (an int when it fits).
    /// </summary>
    public static IEnumerable<(string Name, object Value)> Of(ReminderEntry entry, string serviceId)
    {
        var period = entry.Period.TotalMilliseconds;
        yield return ("ServiceId", serviceId);
        yield return ("GrainHash", (int)entry.GrainId.GetUniformHashCode());
        yield return ("GrainId", entry.GrainId.ToString());
        yield return ("ReminderName", entry.ReminderName);
        yield return ("StartTime", entry.StartAt.Kind is DateTimeKind.Unspecified ? new DateTime(entry.StartAt.Ticks, DateTimeKind.Utc) : entry.StartAt);
        yield return ("Period", period <= int.MaxValue ? (int)period : (long)period);
    }
}
