using Orleans.Runtime;

namespace PlateOrleans.DatabaseTests;

/// <summary>The ADO.NET reminder table against the project's schema: durable across a silo restart, removable.</summary>
public sealed class ReminderContractTests
{
    [SkippableTheory]
    [BothDatabases]
    public async Task AReminderRegisteredBeforeARestartFiresOnTheNextSiloAndCanThenBeRemoved(Engine engine)
    {
        var storage = await TestDatabases.CreateAsync(engine, "reminders");
        var serviceId = $"reminders-{Guid.NewGuid():N}";
        var key = $"reminder-{Guid.NewGuid():N}";
        // Long enough for the first silo to stop and the second to start before it falls due: a reminder whose
        // tick passes while no silo runs waits for its next period (a minute) instead.
        var dueTime = TimeSpan.FromSeconds(10);

        using (var first = await TestSilos.StartStandaloneAsync(storage, serviceId))
        {
            var grain = first.Service<IGrainFactory>().GetGrain<IReminderTestGrain>(key);
            await grain.RegisterAsync(dueTime);
            Assert.True(await grain.HasReminderAsync());
            await first.StopAsync();
        }

        Assert.False(ReminderTicks.FirstTickAsync(key).IsCompleted);
        using var second = await TestSilos.StartStandaloneAsync(storage, serviceId);

        // Up to one missed period more than the due time, so that a slow restart fails only if the tick never comes.
        var tickedOn = await ReminderTicks.FirstTickAsync(key).WaitAsync(dueTime + TimeSpan.FromSeconds(75));
        Assert.Equal(second.Service<ILocalSiloDetails>().SiloAddress, tickedOn);

        var again = second.Service<IGrainFactory>().GetGrain<IReminderTestGrain>(key);
        await again.UnregisterAsync();
        Assert.False(await again.HasReminderAsync());
        Assert.Equal(0, await TestDatabases.CountAsync(storage, $"SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE '%{key}'"));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task RemindersRegisteredByManyGrainsAtOnceAreAllStoredAndEachCanBeRemoved(Engine engine)
    {
        // The upserts that arrive together are committed in groups (SqliteReminderUpserts, PostgreSqlReminderUpserts).
        var storage = await TestDatabases.CreateAsync(engine, "reminders");
        var serviceId = $"reminders-{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, 60).Select(i => $"many-{i}-{Guid.NewGuid():N}").ToList();
        using var silo = await TestSilos.StartStandaloneAsync(storage, serviceId);
        var grains = keys.Select(k => silo.Service<IGrainFactory>().GetGrain<IReminderTestGrain>(k)).ToList();

        await Task.WhenAll(grains.Select(g => g.RegisterAsync(TimeSpan.FromMinutes(10))));
        await Task.WhenAll(grains.Select(g => g.RegisterAsync(TimeSpan.FromMinutes(20))));

        Assert.Equal(keys.Count, await TestDatabases.CountAsync(storage, $"SELECT count(*) FROM orleans_reminders WHERE service_id = '{serviceId}'"));
        Assert.All(await Task.WhenAll(grains.Select(g => g.HasReminderAsync())), Assert.True);
        await Task.WhenAll(grains.Select(g => g.UnregisterAsync()));
        Assert.Equal(0, await TestDatabases.CountAsync(storage, $"SELECT count(*) FROM orleans_reminders WHERE service_id = '{serviceId}'"));
    }
}
