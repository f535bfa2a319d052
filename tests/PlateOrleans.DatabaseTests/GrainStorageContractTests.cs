using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>The ADO.NET grain storage provider against the project's schema, used the way grains use it.</summary>
public sealed class GrainStorageContractTests
{
    [SkippableTheory]
    [BothDatabases]
    public async Task StateOfKeysOfEveryShapeIsReadBackAfterDeactivationFromAFreshDatabase(Engine engine)
    {
        // Not migrated: UsePlateStorage must migrate before the provider reads its queries.
        var storage = await TestDatabases.CreateAsync(engine, "grain_state");
        using var host = await TestSilos.StartStandaloneAsync(storage, $"state-{Guid.NewGuid():N}");
        var grains = host.Service<IGrainFactory>();
        var guidKey = Guid.NewGuid().ToString("N");
        var longKey = string.Concat(Enumerable.Repeat("long-key-", 40));
        // How the provider identifies each key: a hexadecimal or Guid key in the two halves, any other in the string.
        var keys = new (string Key, long N0, long N1, string Extension)[]
        {
            ("LSVAU2180N2183294", 0, 0, "+LSVAU2180N2183294"),
            ("C0FFEE", 0, 0xC0FFEE, ""),
            ("ABC+branch-7", 0, 0xABC, "+branch-7"),
            (guidKey, BitConverter.ToInt64(Guid.ParseExact(guidKey, "N").ToByteArray(), 0), BitConverter.ToInt64(Guid.ParseExact(guidKey, "N").ToByteArray(), 8), ""),
            (longKey, 0, 0, "+" + longKey),
            ("粤B12345", 0, 0, "+粤B12345"),
        };

        var firstActivations = new Dictionary<string, Guid>();
        foreach (var (key, _, _, _) in keys)
        {
            var grain = grains.GetGrain<IStateTestGrain>(key);
            await grain.SetAsync($"value of {key}");
            firstActivations[key] = await grain.ActivationAsync();
            await grain.DeactivateAsync();
        }

        foreach (var (key, _, _, _) in keys)
        {
            var grain = grains.GetGrain<IStateTestGrain>(key);
            Assert.Equal($"value of {key}", await grain.GetAsync());
            Assert.NotEqual(firstActivations[key], await grain.ActivationAsync());
        }

        await using var connection = await TestDatabases.OpenAsync(storage);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_key_n0, grain_key_n1, grain_key_ext, version FROM orleans_grain_state WHERE state_name = 'dbtest-state'";
        var rows = new List<(long, long, string, int)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)));
            }
        }

        Assert.Equal(keys.Select(k => (k.N0, k.N1, k.Extension, 1)).Order(), rows.Order());
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task AStaleWriteOrClearIsRejectedAndAClearedStateCanBeWrittenAgain(Engine engine)
    {
        var storage = await TestDatabases.CreateAsync(engine, "stale_write");
        using var host = await TestSilos.StartStandaloneAsync(storage, $"stale-{Guid.NewGuid():N}");
        var provider = host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var id = GrainId.Create("dbtest", "stale");
        const string State = "dbtest-stale";

        var first = await ReadAsync(provider, State, id);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);
        first.State = new TestState { Value = "a" };
        await provider.WriteStateAsync(State, id, first);
        Assert.Equal("1", first.ETag);

        var second = await ReadAsync(provider, State, id);
        Assert.Equal(("a", "1", true), (second.State?.Value, second.ETag, second.RecordExists));
        second.State = new TestState { Value = "b" };
        await provider.WriteStateAsync(State, id, second);
        Assert.Equal("2", second.ETag);

        // An activation holding version 1, and one that never read: both are behind the database.
        first.State = new TestState { Value = "c" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync(State, id, first));
        var blind = new GrainState<TestState>(new TestState { Value = "d" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.WriteStateAsync(State, id, blind));
        Assert.Equal("b", (await ReadAsync(provider, State, id)).State?.Value);

        await provider.ClearStateAsync(State, id, second);
        Assert.Equal(("3", false), (second.ETag, second.RecordExists));
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.ClearStateAsync(State, id, first));

        var afterClear = await ReadAsync(provider, State, id);
        Assert.Equal(((string?)null, "3", false), (afterClear.State?.Value, afterClear.ETag, afterClear.RecordExists));
        afterClear.State = new TestState { Value = "e" };
        await provider.WriteStateAsync(State, id, afterClear);
        Assert.Equal(("e", "4"), ((await ReadAsync(provider, State, id)).State?.Value, afterClear.ETag));
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task WithDeleteStateOnClearAClearedStateIsGoneAndStartsAgainAtVersionOne(Engine engine)
    {
        var storage = await TestDatabases.CreateAsync(engine, "delete_on_clear");
        using var host = await TestSilos.StartStandaloneAsync(storage, $"delete-{Guid.NewGuid():N}", silo =>
            silo.AddAdoNetGrainStorage("delete-on-clear", options =>
            {
                options.Invariant = storage.AdoNetInvariant;
                options.ConnectionString = storage.ResolveConnectionString();
                options.DeleteStateOnClear = true;
            }));
        var provider = host.Services.GetRequiredKeyedService<IGrainStorage>("delete-on-clear");
        var id = GrainId.Create("dbtest", "deleted");
        const string State = "dbtest-deleted";

        var state = await ReadAsync(provider, State, id);
        state.State = new TestState { Value = "a" };
        await provider.WriteStateAsync(State, id, state);
        var stale = await ReadAsync(provider, State, id);
        await provider.ClearStateAsync(State, id, state);

        Assert.Null(state.ETag);
        var gone = await ReadAsync(provider, State, id);
        Assert.Equal(((string?)null, (string?)null, false), (gone.State?.Value, gone.ETag, gone.RecordExists));
        await Assert.ThrowsAsync<InconsistentStateException>(() => provider.ClearStateAsync(State, id, stale));
        gone.State = new TestState { Value = "b" };
        await provider.WriteStateAsync(State, id, gone);
        Assert.Equal("1", gone.ETag);
    }

    [SkippableTheory]
    [BothDatabases]
    public async Task HundredsOfGrainsWritingBesideTheLedgerNeverFindTheDatabaseLocked(Engine engine)
    {
        // SQLite has one writer at a time: without WAL and a busy timeout some of these writes fail with "database is locked".
        var storage = await TestDatabases.CreateAsync(engine, "busy");
        using var host = await TestSilos.StartStandaloneAsync(storage, $"busy-{Guid.NewGuid():N}", silo => silo.Services.AddPlateLedger(storage));
        var grains = host.Service<IGrainFactory>();
        var ledger = host.Service<IPlateLedger>();

        var writes = Enumerable.Range(0, 300).Select(i => Task.Run(() => grains.GetGrain<IStateTestGrain>($"busy-{i}").SetAsync($"value {i}")));
        var reservations = Enumerable.Range(0, 300).Select(i => Task.Run(() => ledger.ReserveAsync(
            new LedgerEntry("4401", $"粤B{i:D5}", $"VIN-BUSY-{i}", ConfirmedBy.User, DateTimeOffset.UtcNow, new DateOnly(2026, 3, 17)))));
        var written = await Task.WhenAll(reservations);
        await Task.WhenAll(writes);

        Assert.All(written, r => Assert.Equal(LedgerWriteStatus.Written, r.Status));
        Assert.Equal(300, (await ledger.LiveByOfficeAsync("4401")).Count);
        Assert.Equal(300, await TestDatabases.CountAsync(storage, "SELECT count(*) FROM orleans_grain_state WHERE payload IS NOT NULL"));
    }

    private static async Task<GrainState<TestState>> ReadAsync(IGrainStorage provider, string stateName, GrainId id)
    {
        var state = new GrainState<TestState>(new TestState());
        await provider.ReadStateAsync(stateName, id, state);
        return state;
    }
}
