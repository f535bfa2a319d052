using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>The behaviour every <see cref="IAuditTrail"/> shares, in memory and on both databases.</summary>
public abstract class AuditTrailContract : StoreContract<IAuditTrail>
{
    private static readonly DateTimeOffset Morning = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    protected IAuditTrail Trail => Store;

    [SkippableFact]
    public async Task AVehiclesEventsComeBackOldestFirstAndNoOtherVehicles()
    {
        var draw = new AuditEvent(Morning, AuditKinds.Draw, "VIN-1", "4401", "citizen-1", ["粤B12345", "粤B54321"]);
        var confirmation = new AuditEvent(Morning.AddMinutes(2), AuditKinds.Confirmation, "VIN-1", "4401", "citizen-1", ["粤B12345"], "chose the first");
        var autoConfirmation = new AuditEvent(Morning.AddMinutes(1), AuditKinds.AutoConfirmation, "VIN-2", "4401", null, ["粤B88888"]);

        await Trail.AppendAsync(confirmation);
        await Trail.AppendAsync(autoConfirmation);
        await Trail.AppendAsync(draw);

        var events = await Trail.ReadByVinAsync("VIN-1");
        Assert.Equal([draw.At, confirmation.At], events.Select(e => e.At));
        Assert.Equal([draw.Plates, confirmation.Plates], events.Select(e => e.Plates));
        Assert.Equal(
            [(AuditKinds.Draw, "4401", "citizen-1", (string?)null), (AuditKinds.Confirmation, "4401", "citizen-1", "chose the first")],
            events.Select(e => (e.Kind, e.OfficeCode, e.Actor, e.Detail)));
        var auto = Assert.Single(await Trail.ReadByVinAsync("VIN-2"));
        Assert.Null(auto.Actor);
        Assert.Empty(await Trail.ReadByVinAsync("VIN-3"));
    }

    [SkippableFact]
    public async Task OperatorsActionsWithoutAVehicleAreFoundByOfficeAndByActorNewestFirst()
    {
        var settings = new AuditEvent(Morning, AuditKinds.OfficeSettings, null, "130100", "admin", [], "updated: name 石家庄");
        var publication = new AuditEvent(Morning.AddMinutes(1), AuditKinds.PoolPublication, null, "130100", "op-sjz", [], "published: small D D0####");
        var draw = new AuditEvent(Morning.AddMinutes(2), AuditKinds.Draw, "VIN-1", "130100", "citizen-1", ["冀AD01234"]);
        var elsewhere = new AuditEvent(Morning.AddMinutes(3), AuditKinds.VehicleImport, null, "440300", "op-sz", [], "3 items: 3 imported, 0 rejected");
        var adminAccount = new AuditEvent(Morning.AddMinutes(4), AuditKinds.AccountCreated, null, null, "admin", [], "admin root2 created");
        foreach (var e in new[] { settings, publication, draw, elsewhere, adminAccount })
        {
            await Trail.AppendAsync(e);
        }

        var office = await Trail.FindAsync(new AuditQuery("130100", null, [], null, 100));
        Assert.Equal([AuditKinds.Draw, AuditKinds.PoolPublication, AuditKinds.OfficeSettings], office.Select(e => e.Kind));
        Assert.Equal((null, "130100", "op-sjz", "published: small D D0####"), (office[1].Vin, office[1].OfficeCode, office[1].Actor, office[1].Detail));
        Assert.Empty(office[1].Plates);

        var actions = await Trail.FindAsync(new AuditQuery("130100", null, AuditKinds.OperatorActions, null, 100));
        Assert.Equal([publication.At, settings.At], actions.Select(e => e.At));

        var byAdmin = await Trail.FindAsync(new AuditQuery(null, "admin", [], null, 100));
        Assert.Equal([(AuditKinds.AccountCreated, (string?)null), (AuditKinds.OfficeSettings, "130100")], byAdmin.Select(e => (e.Kind, e.OfficeCode)));

        var paged = await Trail.FindAsync(new AuditQuery("130100", null, [], Morning.AddMinutes(2), 1));
        Assert.Equal([publication.At], paged.Select(e => e.At));
        Assert.Empty(await Trail.ReadByVinAsync("130100"));
    }

    [SkippableFact]
    public async Task ConcurrentAppendsAreAllKept()
    {
        var appends = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => Trail.AppendAsync(new AuditEvent(Morning.AddSeconds(i), AuditKinds.Backup, $"VIN-{i % 10}", "4401", "operator", [$"粤B{i:D5}"]))));

        await Task.WhenAll(appends);

        for (var vin = 0; vin < 10; vin++)
        {
            var events = await Trail.ReadByVinAsync($"VIN-{vin}");
            Assert.Equal(Enumerable.Range(0, 200).Where(i => i % 10 == vin).Select(i => Morning.AddSeconds(i)), events.Select(e => e.At));
        }
    }
}

public sealed class InMemoryAuditTrailTests : AuditTrailContract
{
    protected override Task<(IAuditTrail Store, IAsyncDisposable? Owner)> CreateAsync() =>
        Task.FromResult<(IAuditTrail, IAsyncDisposable?)>((new InMemoryAuditTrail(), null));
}

public sealed class SqliteAuditTrailTests : AuditTrailContract
{
    protected override Task<(IAuditTrail Store, IAsyncDisposable? Owner)> CreateAsync() => OnDatabaseAsync(Engine.Sqlite, "audit", d => new SqlAuditTrail(d));
}

public sealed class PostgreSqlAuditTrailTests : AuditTrailContract
{
    protected override Task<(IAuditTrail Store, IAsyncDisposable? Owner)> CreateAsync() => OnDatabaseAsync(Engine.PostgreSql, "audit", d => new SqlAuditTrail(d));
}
