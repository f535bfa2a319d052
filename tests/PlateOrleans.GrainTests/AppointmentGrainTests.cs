using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.GrainTests;

/// <summary>The office's day grains: places by VIN within capacity, stored; and a move cut off midway, finished or dropped.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AppointmentGrainTests(ClusterFixture fixture)
{
    private static readonly DateOnly Day = new(2030, 3, 4);

    private async Task<string> OfficeAsync(int capacity)
    {
        var office = await fixture.CreateOfficeAsync();
        await fixture.Client.GetGrain<IOfficeGrain>(office.Code).PutAsync(office.Settings with
        {
            Locations = [new OfficeLocation("main", "本所", [new SlotCapacity("09:00-10:00", capacity), new SlotCapacity("14:00-15:00", capacity)])],
        });
        return office.Code;
    }

    private IAppointmentDayGrain DayOf(string office, DateOnly date) => fixture.Client.GetGrain<IAppointmentDayGrain>(AppointmentDays.Key(office, date));

    [Fact]
    public async Task ASlotTakesItsCapacityOnceEachVehicleAndKeepsItsBookingsAcrossActivations()
    {
        var office = await OfficeAsync(capacity: 3);
        var day = DayOf(office, Day);
        var vins = Enumerable.Range(0, 10).Select(_ => ClusterFixture.NewVin()).ToArray();

        // Every vehicle asks twice at once.
        var answers = await Task.WhenAll(vins.Concat(vins).Select(vin => day.BookAsync(vin, "main", "09:00-10:00")));

        var booked = vins.Where((vin, i) => answers[i].IsSuccess).ToArray();
        Assert.Equal(3, booked.Length);
        Assert.All(answers.Where(a => !a.IsSuccess), a => Assert.Equal(ErrorCodes.SlotFull, a.Error!.Code));
        Assert.Equal(6, answers.Count(a => a.IsSuccess));
        Assert.Equal(ErrorCodes.ValidationFailed, (await day.BookAsync(vins[0], "main", "10:00-11:00")).Error!.Code);
        Assert.Equal(ErrorCodes.ValidationFailed, (await day.BookAsync(vins[0], "elsewhere", "09:00-10:00")).Error!.Code);

        await fixture.Cluster.DeactivateAsync(day.GetGrainId());

        Assert.Equal([new SlotBookings("main", "09:00-10:00", 3)], await day.GetBookingsAsync());
        Assert.Equal(new AppointmentView("main", "本所", Day, "09:00-10:00"), await day.FindAsync(booked[0]));
        // A vehicle moves within the day: its old place is free for the next.
        Assert.True((await day.BookAsync(booked[0], "main", "14:00-15:00")).IsSuccess);
        Assert.True((await day.BookAsync(vins.Except(booked).First(), "main", "09:00-10:00")).IsSuccess);
        await day.ReleaseAsync(booked[1]);
        Assert.Equal(
            [new SlotBookings("main", "09:00-10:00", 2), new SlotBookings("main", "14:00-15:00", 1)],
            (await day.GetBookingsAsync()).OrderBy(b => b.Slot));
    }

    /// <summary>A completed selection whose move from <paramref name="previous"/> to <paramref name="target"/> was stored as begun.</summary>
    private static (SelectionState State, SelectionRules Rules) CutOff(string office, string vin, AppointmentView previous, AppointmentView target)
    {
        var state = new SelectionState
        {
            Stage = SelectionStage.Completed,
            Vin = vin,
            OfficeCode = office,
            Selected = new SelectedView("冀AD12345", DateTimeOffset.UtcNow, ConfirmedBy.User, Day.AddDays(5), "ABCDEFGH2345", previous),
            AppointmentChange = new AppointmentChange(target, previous, DateTimeOffset.UtcNow),
        };
        return (state, new SelectionRules(state, null!, TimeProvider.System, SelectionMode.Formal, SystemRandomSource.Instance));
    }

    [Fact]
    public async Task AMoveCutOffAfterTheNewPlaceWasBookedIsFinishedAndTheOldPlaceFreed()
    {
        var office = await OfficeAsync(capacity: 5);
        var vin = ClusterFixture.NewVin();
        var previous = new AppointmentView("main", "本所", Day, "09:00-10:00");
        var target = new AppointmentView("main", "本所", Day.AddDays(1), "14:00-15:00");
        await DayOf(office, Day).BookAsync(vin, "main", "09:00-10:00");
        await DayOf(office, target.Date).BookAsync(vin, "main", "14:00-15:00");
        var (state, rules) = CutOff(office, vin, previous, target);

        await new AppointmentSteps(fixture.Client, vin, state, () => Task.CompletedTask).RepairAsync(rules);

        Assert.Equal(target, state.Selected!.Appointment);
        Assert.Null(state.AppointmentChange);
        Assert.Null(await DayOf(office, Day).FindAsync(vin));
        Assert.Equal(target, await DayOf(office, target.Date).FindAsync(vin));
    }

    [Fact]
    public async Task AMoveCutOffBeforeTheNewPlaceWasBookedIsDroppedAndTheOldPlaceKept()
    {
        var office = await OfficeAsync(capacity: 5);
        var vin = ClusterFixture.NewVin();
        var previous = new AppointmentView("main", "本所", Day, "09:00-10:00");
        var target = new AppointmentView("main", "本所", Day, "14:00-15:00");
        await DayOf(office, Day).BookAsync(vin, "main", "09:00-10:00");
        var (state, rules) = CutOff(office, vin, previous, target);

        await new AppointmentSteps(fixture.Client, vin, state, () => Task.CompletedTask).RepairAsync(rules);

        Assert.Equal(previous, state.Selected!.Appointment);
        Assert.Null(state.AppointmentChange);
        Assert.Equal(previous, await DayOf(office, Day).FindAsync(vin));
        Assert.Empty(rules.TakeEvents());
    }
}
