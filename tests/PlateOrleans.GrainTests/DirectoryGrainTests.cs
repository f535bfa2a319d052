using PlateOrleans.Contracts;

namespace PlateOrleans.GrainTests;

[Collection(ClusterCollection.Name)]
public sealed class DirectoryGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AnOfficeIsListedAndItsPoolFollowsItsPublication()
    {
        var office = await fixture.CreateOfficeAsync(null, "D0####", "DA####");

        Assert.Contains(office.Code, await fixture.Client.GetGrain<IOfficeRegistryGrain>(0).GetCodesAsync());
        var series = Assert.Single(await fixture.Client.GetGrain<IPlatePoolGrain>(office.Code).GetCountsAsync());
        Assert.Equal(20_000, series.Total);
        Assert.Equal(["D0####", "DA####"], series.Blocks);
    }

    [Fact]
    public async Task ConcurrentDrawsThroughThePoolGrainNeverShareANumber()
    {
        var office = await fixture.CreateOfficeAsync(null, "D00###");
        var pool = fixture.Client.GetGrain<IPlatePoolGrain>(office.Code);
        var until = DateTimeOffset.UtcNow.AddMinutes(5);

        var draws = await Task.WhenAll(Enumerable.Range(0, 101).Select(i =>
            pool.DrawAsync(new PoolDraw($"HOLDER{i:000}", PlateKind.Small, EnergyKind.Pure, 10, false, until, []))));

        var plates = draws.Where(d => d.Value is not null).SelectMany(d => d.Value!).ToList();
        Assert.Equal(1_000, plates.Count);
        Assert.Equal(1_000, plates.Distinct().Count());
        Assert.Single(draws, d => d.Error?.Code == ErrorCodes.PoolEmpty);
    }

    [Fact]
    public async Task AVehicleMovesBetweenOwnersWhenReimportedWithAnotherOwner()
    {
        var vin = ClusterFixture.NewVin();
        var (first, second) = (ClusterFixture.NewIdNumber(), ClusterFixture.NewIdNumber());
        var vehicle = fixture.Client.GetGrain<IVehicleGrain>(vin);

        await vehicle.UpsertAsync(new VehicleRecord(vin, "冀A12345", PlateKind.Small, EnergyKind.Pure, first, "130100"));
        await vehicle.UpsertAsync(new VehicleRecord(vin, "冀A12345", PlateKind.Small, EnergyKind.Pure, second, "130100"));

        Assert.Empty(await fixture.Client.GetGrain<IOwnerGrain>(first).GetVinsAsync());
        Assert.Equal([vin], await fixture.Client.GetGrain<IOwnerGrain>(second).GetVinsAsync());
        Assert.Equal(second, (await vehicle.GetAsync())!.OwnerIdNumber);
    }

    [Fact]
    public async Task AnIdNumberHoldsOneEnabledAccountAndIsFreedWhenItIsDisabled()
    {
        var id = ClusterFixture.NewIdNumber();
        var person = fixture.Client.GetGrain<IOwnerGrain>(id);
        AccountRecord Citizen(string username) => new() { Username = username, PasswordHash = "-", Role = Role.Citizen, IdNumber = id };
        var (first, second) = ("u" + Guid.NewGuid().ToString("N")[..10], "u" + Guid.NewGuid().ToString("N")[..10]);

        Assert.True((await person.RegisterAsync(Citizen(first))).IsSuccess);
        Assert.Equal(ErrorCodes.IdNumberTaken, (await person.RegisterAsync(Citizen(second))).Error!.Code);
        Assert.Null(await fixture.Client.Account(second).GetAsync());

        await fixture.Client.Account(first).SetDisabledAsync(true);
        await person.ReleaseAsync(first);
        Assert.True((await person.RegisterAsync(Citizen(second))).IsSuccess);
        Assert.Equal(ErrorCodes.IdNumberTaken, (await person.ReclaimAsync(first)).Error!.Code);
        Assert.Equal(new[] { first, second }, (await person.GetAsync()).Usernames);
    }

    [Fact]
    public async Task AHolderWhoseAccountWasNeverCreatedDoesNotKeepTheIdNumber()
    {
        // A registration that failed on its username leaves the ID number as it was.
        var id = ClusterFixture.NewIdNumber();
        var person = fixture.Client.GetGrain<IOwnerGrain>(id);
        var taken = "u" + Guid.NewGuid().ToString("N")[..10];
        await fixture.Client.Account(taken).CreateAsync(new AccountRecord { Username = taken, PasswordHash = "-", Role = Role.Citizen });

        Assert.Equal(ErrorCodes.UsernameTaken, (await person.RegisterAsync(new AccountRecord { Username = taken, PasswordHash = "-", Role = Role.Citizen, IdNumber = id })).Error!.Code);

        Assert.Null((await person.GetAsync()).Holder);
        var mine = "u" + Guid.NewGuid().ToString("N")[..10];
        Assert.True((await person.RegisterAsync(new AccountRecord { Username = mine, PasswordHash = "-", Role = Role.Citizen, IdNumber = id })).IsSuccess);
    }

    [Fact]
    public async Task AUsernameIsTakenOnce()
    {
        var account = new AccountRecord { Username = "u" + Guid.NewGuid().ToString("N")[..10], PasswordHash = "-", Role = Role.Citizen };
        var grain = fixture.Client.Account(account.Username);

        Assert.True((await grain.CreateAsync(account)).IsSuccess);
        Assert.Equal(ErrorCodes.UsernameTaken, (await grain.CreateAsync(account with { PasswordHash = "other" })).Error!.Code);
        Assert.Equal("-", (await grain.GetAsync())!.PasswordHash);
    }
}
