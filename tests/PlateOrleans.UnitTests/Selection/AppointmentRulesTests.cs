using PlateOrleans.Contracts;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>
/// The exchange appointment's rules: who may book, which dates, when a booking can no longer move, and the reminder the
/// day before the exchange deadline. Confirmed at 09:00 on 2026-11-25 (Beijing time): exchange by 2026-12-10.
/// </summary>
public sealed class AppointmentRulesTests
{
    private static readonly DateOnly ExchangeBy = new(2026, 12, 10);

    /// <summary>09:00 Beijing time on 2026-12-09, the day before the last day.</summary>
    private static readonly DateTimeOffset ReminderMoment = new(2026, 12, 9, 1, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Deadline = new(2026, 12, 10, 16, 0, 0, TimeSpan.Zero);

    private static async Task<SelectionWorld> ConfirmedAsync()
    {
        var world = new SelectionWorld();
        world.Office = world.Office with
        {
            Settings = world.Office.Settings with
            {
                Locations = [new OfficeLocation("changan", "长安分所", [new SlotCapacity("09:00-10:00", 5), new SlotCapacity("14:00-15:00", 5)])],
            },
        };
        world.EnterAndVerify();
        var plate = (await world.DrawAsync()).Batch!.Plates[0];
        Succeeds(await world.Rules.Drawing.AddBackupAsync(plate));
        Succeeds(await world.Rules.Completion.ConfirmAsync(plate));
        world.Rules.TakeEvents();
        return world;
    }

    private static AppointmentView Book(SelectionWorld world, DateOnly date, string slot = "09:00-10:00")
    {
        var booking = world.Rules.Appointment.CheckBooking(world.Office, "changan", date, slot);
        Assert.True(booking.Error is null, booking.Error?.Detail);
        world.Rules.Appointment.BeginAppointmentChange(booking.Value);
        world.Rules.Appointment.CompleteAppointmentChange(booking.Value);
        return booking.Value!;
    }

    [Fact]
    public async Task ABookingOfAPlaceTheOfficeHasFromTodayToTheDeadlineIsAcceptedAndTold()
    {
        var world = await ConfirmedAsync();

        var booked = Book(world, ExchangeBy, "14:00-15:00");

        Assert.Equal(new AppointmentView("changan", "长安分所", ExchangeBy, "14:00-15:00"), world.Rules.View().Selected!.Appointment);
        Assert.Null(world.State.AppointmentChange);
        var told = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.AppointmentChanged>());
        Assert.Equal((booked, (AppointmentView?)null, OwnerPhone), (told.Current!, told.Previous, told.Phone));
        Assert.True(world.Rules.Appointment.HasAppointment(booked));
    }

    [Fact]
    public async Task DatesInThePastOrAfterTheDeadlineAndPlacesTheOfficeDoesNotHaveAreRefused()
    {
        var world = await ConfirmedAsync();
        var today = new DateOnly(2026, 11, 25);

        Assert.Equal("date", Single(world.Rules.Appointment.CheckBooking(world.Office, "changan", today.AddDays(-1), "09:00-10:00").Error));
        Assert.Equal("date", Single(world.Rules.Appointment.CheckBooking(world.Office, "changan", ExchangeBy.AddDays(1), "09:00-10:00").Error));
        Assert.Equal("locationId", Single(world.Rules.Appointment.CheckBooking(world.Office, "nowhere", ExchangeBy, "09:00-10:00").Error));
        Assert.Equal("slot", Single(world.Rules.Appointment.CheckBooking(world.Office, "changan", ExchangeBy, "10:00-11:00").Error));
        // 09:00 today has begun (it is 09:00 in Beijing); 14:00 today has not.
        Assert.Equal("slot", Single(world.Rules.Appointment.CheckBooking(world.Office, "changan", today, "09:00-10:00").Error));
        Assert.Null(world.Rules.Appointment.CheckBooking(world.Office, "changan", today, "14:00-15:00").Error);
        Assert.False(world.Rules.Changed);
    }

    private static string Single(PlateError? error)
    {
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        return Assert.Single(error.Errors!).Key;
    }

    [Fact]
    public async Task ABookingMovesOrIsCancelledUntilTwoDaysBeforeItsDateAndNotFromTheDayBefore()
    {
        var world = await ConfirmedAsync();
        var date = new DateOnly(2026, 12, 1);
        Book(world, date);

        world.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 15, 59, 0, TimeSpan.Zero)); // 23:59 on 11-29, two days before
        Assert.Null(world.Rules.Appointment.CheckCancel());
        Assert.Null(world.Rules.Appointment.CheckBooking(world.Office, "changan", date.AddDays(3), "09:00-10:00").Error);

        world.Time.SetUtcNow(new DateTimeOffset(2026, 11, 29, 16, 0, 0, TimeSpan.Zero)); // 00:00 on 11-30, the day before
        Assert.Equal(ErrorCodes.AppointmentLocked, world.Rules.Appointment.CheckCancel()!.Code);
        Assert.Equal(ErrorCodes.AppointmentLocked, world.Rules.Appointment.CheckBooking(world.Office, "changan", date.AddDays(3), "09:00-10:00").Error!.Code);
        // Booking the place it already has is no change: answered as it is.
        Assert.Null(world.Rules.Appointment.CheckBooking(world.Office, "changan", date, "09:00-10:00").Error);
    }

    [Fact]
    public async Task AMoveTellsBothPlacesAndACancellationTheOldOne()
    {
        var world = await ConfirmedAsync();
        var first = Book(world, new DateOnly(2026, 12, 1));
        world.Rules.TakeEvents();

        var second = Book(world, new DateOnly(2026, 12, 3), "14:00-15:00");
        var moved = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.AppointmentChanged>());
        Assert.Equal((second, first), (moved.Current!, moved.Previous!));

        Assert.Null(world.Rules.Appointment.CheckCancel());
        world.Rules.Appointment.BeginAppointmentChange(null);
        world.Rules.Appointment.CompleteAppointmentChange(null);
        var cancelled = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.AppointmentChanged>());
        Assert.Equal(((AppointmentView?)null, second), (cancelled.Current, cancelled.Previous!));
        Assert.Null(world.Rules.View().Selected!.Appointment);
        Assert.Equal(ErrorCodes.NotFound, world.Rules.Appointment.CheckCancel()!.Code);
    }

    [Fact]
    public async Task AnAbandonedChangeLeavesTheAppointmentAsItWasAndAChangeUnderWayWakesTheSelectionSoon()
    {
        var world = await ConfirmedAsync();
        var first = Book(world, new DateOnly(2026, 12, 1));

        world.Rules.Appointment.BeginAppointmentChange(first with { Date = new DateOnly(2026, 12, 2) });
        Assert.Equal(world.Time.GetUtcNow() + AppointmentRules.RepairAfter, world.Rules.NextWakeUp);
        world.Rules.Appointment.AbandonAppointmentChange();

        Assert.Equal(first, world.Rules.View().Selected!.Appointment);
        Assert.Null(world.State.AppointmentChange);
        Assert.Equal(ReminderMoment, world.Rules.NextWakeUp);
    }

    [Fact]
    public async Task OnlyACompletedFormalSelectionBooksNotBeforeConfirmationNorAfterTheExchange()
    {
        var drawing = new SelectionWorld();
        drawing.EnterAndVerify();
        Assert.Equal(ErrorCodes.WrongStage, drawing.Rules.Appointment.CheckBooking(drawing.Office, "changan", ExchangeBy, "09:00-10:00").Error!.Code);

        var world = await ConfirmedAsync();
        Book(world, new DateOnly(2026, 12, 5));
        Succeeds(await world.Rules.Completion.ExchangeAsync("op"));

        Assert.Equal(SelectionStage.Exchanged, world.Rules.Appointment.CheckBooking(world.Office, "changan", ExchangeBy, "09:00-10:00").Error!.Stage);
        Assert.Equal(ErrorCodes.WrongStage, world.Rules.Appointment.CheckCancel()!.Code);
    }

    [Fact]
    public async Task TheDayBeforeTheDeadlineTheApplicantIsRemindedOnceAndThenTheDeadlineIsNext()
    {
        var world = await ConfirmedAsync();
        var booked = Book(world, new DateOnly(2026, 12, 5));
        world.Rules.TakeEvents();
        Assert.Equal(ReminderMoment, world.Rules.NextWakeUp);

        world.Time.SetUtcNow(ReminderMoment.AddTicks(-1));
        Assert.False((await world.Rules.CatchUpAsync()).Changed);

        world.Time.SetUtcNow(ReminderMoment.AddMinutes(2));
        Assert.True((await world.Rules.CatchUpAsync()).Changed);
        var near = Assert.Single(world.Rules.TakeEvents().OfType<SelectionEvent.DeadlineNear>());
        Assert.Equal((ExchangeBy, booked, OwnerPhone), (near.Selected.ExchangeBy!.Value, near.Selected.Appointment!, near.Phone));
        Assert.Equal(ReminderMoment.AddMinutes(2), world.State.DeadlineReminderSentAt);
        Assert.Equal(Deadline, world.Rules.NextWakeUp);

        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Empty(world.Rules.TakeEvents());
    }

    [Fact]
    public async Task AnExchangedSelectionIsNotReminded()
    {
        var world = await ConfirmedAsync();
        Succeeds(await world.Rules.Completion.ExchangeAsync("op"));
        world.Rules.TakeEvents();

        world.Time.SetUtcNow(ReminderMoment.AddHours(1));
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Null(world.Rules.NextWakeUp);
    }

    [Fact]
    public async Task ASelectionConfirmedAfterTheReminderMomentIsNotRemindedAgain()
    {
        // One day of validity, confirmed at 09:00 Beijing time: the last day is tomorrow, its reminder moment is now.
        var world = new SelectionWorld(OfficeRules.Default with { ValidityDays = 1 });
        world.EnterAndVerify();
        var plate = (await world.DrawAsync()).Batch!.Plates[0];
        Succeeds(await world.Rules.Drawing.AddBackupAsync(plate));
        Succeeds(await world.Rules.Completion.ConfirmAsync(plate));
        world.Rules.TakeEvents();

        Assert.Null(world.Rules.Appointment.DeadlineReminderAt);
        Assert.False((await world.Rules.CatchUpAsync()).Changed);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 16, 0, 0, TimeSpan.Zero), world.Rules.NextWakeUp);
    }
}
