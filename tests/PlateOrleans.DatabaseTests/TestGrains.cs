using System.Collections.Concurrent;
using Orleans.Runtime;

namespace PlateOrleans.DatabaseTests;

/// <summary>A grain whose only job is to persist a string through the default grain storage.</summary>
[Alias("dbtest.state")]
public interface IStateTestGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task SetAsync(string value);

    [Alias("get")]
    Task<string?> GetAsync();

    [Alias("deactivate")]
    Task DeactivateAsync();

    /// <summary>Differs between activations: tells a re-read from storage from a value still in memory.</summary>
    [Alias("activation")]
    Task<Guid> ActivationAsync();
}

[GenerateSerializer, Alias("dbtest.state-value")]
public sealed class TestState
{
    [Id(0)]
    public string? Value { get; set; }
}

public sealed class StateTestGrain([PersistentState("dbtest-state")] IPersistentState<TestState> state) : Grain, IStateTestGrain
{
    private readonly Guid _activation = Guid.NewGuid();

    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<Guid> ActivationAsync() => Task.FromResult(_activation);
}

/// <summary>The same, through the group-committing storage the selections use.</summary>
[Alias("dbtest.hot-state")]
public interface IHotStateTestGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task SetAsync(string value);
}

public sealed class HotStateTestGrain(
    [PersistentState("dbtest-hot", PlateOrleans.Grains.StorageNames.Selections)] IPersistentState<TestState> state) : Grain, IHotStateTestGrain
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }
}

/// <summary>A grain with one durable reminder, whose ticks are recorded with the silo that delivered them.</summary>
[Alias("dbtest.reminder")]
public interface IReminderTestGrain : IGrainWithStringKey
{
    [Alias("register")]
    Task RegisterAsync(TimeSpan dueTime);

    [Alias("unregister")]
    Task UnregisterAsync();

    [Alias("has-reminder")]
    Task<bool> HasReminderAsync();
}

public sealed class ReminderTestGrain(ILocalSiloDetails silo) : Grain, IReminderTestGrain, IRemindable
{
    public const string ReminderName = "dbtest";

    public Task RegisterAsync(TimeSpan dueTime) =>
        this.RegisterOrUpdateReminder(ReminderName, dueTime, TimeSpan.FromMinutes(1));

    public async Task UnregisterAsync()
    {
        var reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public async Task<bool> HasReminderAsync() => await this.GetReminder(ReminderName) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Record(this.GetPrimaryKeyString(), silo.SiloAddress);
        return Task.CompletedTask;
    }
}

/// <summary>The first tick of each reminder grain in this process, with the silo that delivered it.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<SiloAddress>> _ticks = new();

    public static void Record(string grainKey, SiloAddress silo) => Of(grainKey).TrySetResult(silo);

    public static Task<SiloAddress> FirstTickAsync(string grainKey) => Of(grainKey).Task;

    private static TaskCompletionSource<SiloAddress> Of(string grainKey) =>
        _ticks.GetOrAdd(grainKey, _ => new TaskCompletionSource<SiloAddress>(TaskCreationOptions.RunContinuationsAsynchronously));
}
