using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using PlateOrleans.Contracts;
using PlateOrleans.Grains;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.GrainTests;

[Collection(ClusterCollection.Name)]
public sealed class SelectionGrainTests(ClusterFixture fixture)
{
    private static readonly OfficeRules _quick = OfficeRules.Default with { SmsConfirmDelaySeconds = 0 };

    private async Task<(ISelectionSessionGrain Grain, Caller Caller, string Vin, OfficeSnapshot Office)> DrawingAsync(OfficeRules? rules = null)
    {
        var office = await fixture.CreateOfficeAsync(rules ?? _quick);
        var (caller, vin) = await fixture.CreateApplicantAsync(office.Code);
        var grain = fixture.Client.GetGrain<ISelectionSessionGrain>(vin);
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Enter(), null));
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.ConfirmInfo(office.Notice.Version), null));
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Start(), null));
        var sms = await grain.ExecuteAsync(caller, new SelectionCommand.SendSmsCode(), null);
        Assert.NotNull(sms.Sms);
        var account = await fixture.Client.Account(caller.Username).GetAsync();
        var text = await WaitForAsync(async () => (await fixture.Client.GetGrain<ISmsOutboxGrain>(account!.Phone!).ListAsync()).FirstOrDefault());
        var code = System.Text.RegularExpressions.Regex.Match(text.Text, "[0-9]{6}").Value;
        Assert.Equal(SelectionStage.Drawing, Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Verify(code), null)).Stage);
        return (grain, caller, vin, office);
    }

    private static SelectionView Ok(SelectionReply reply)
    {
        Assert.True(reply.Error is null, $"{reply.Error?.Code}: {reply.Error?.Detail}");
        return reply.View!;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task TheWholeFlowReservesTheConfirmedNumberAndWritesTheTrail()
    {
        var (grain, caller, vin, office) = await DrawingAsync();

        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.AddBackup(batch.Plates[4]), null));
        var done = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Confirm(batch.Plates[4]), null));

        Assert.Equal(SelectionStage.Completed, done.Stage);
        Assert.Equal(batch.Plates[4], (await fixture.Ledger.LiveByVinAsync(vin))!.Plate);
        var counts = Assert.Single(await fixture.Client.GetGrain<IPlatePoolGrain>(office.Code).GetCountsAsync());
        Assert.Equal((1, 0, 9_999), (counts.Reserved, counts.Held, counts.Available));
        var trail = await fixture.Audit.ReadByVinAsync(vin);
        Assert.Equal([AuditKinds.Draw, AuditKinds.Backup, AuditKinds.Confirmation], trail.Select(e => e.Kind));
        Assert.Equal(batch.Plates, trail[0].Plates);
        Assert.Equal(SelectionStage.Completed, await grain.GetStageAsync());
    }

    [Fact]
    public async Task AConfirmationArmsADurableReminderForTheExchangeDeadlineAndAnExchangeRemovesIt()
    {
        var (grain, caller, vin, office) = await DrawingAsync();
        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.AddBackup(batch.Plates[0]), null));
        var selected = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Confirm(batch.Plates[0]), null)).Selected!;
        var reminders = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        var grainId = grain.GetGrainId();

        // The deadline is days away: no timer keeps the grain in memory for it, the reminder wakes it (even after a restart),
        // first at 09:00 Beijing time the day before the last day, to remind the applicant, then at the deadline.
        var reminder = Assert.Single((await reminders.ReadRows(grainId)).Reminders);
        var remindAt = new DateTimeOffset(selected.ExchangeBy!.Value.AddDays(-1).ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        Assert.InRange(reminder.StartAt, remindAt.UtcDateTime, remindAt.UtcDateTime.AddSeconds(5));

        var exchanged = Ok(await grain.ExchangeAsync("op"));

        Assert.Equal(SelectionStage.Exchanged, exchanged.Stage);
        Assert.Empty((await reminders.ReadRows(grainId)).Reminders);
        Assert.True((await fixture.Ledger.LiveByVinAsync(vin))!.IsIssued);
        Assert.Equal(AuditKinds.Exchange, (await fixture.Audit.ReadByVinAsync(vin))[^1].Kind);
        Assert.Equal(1, Assert.Single(await fixture.Client.GetGrain<IPlatePoolGrain>(office.Code).GetCountsAsync()).Issued);
    }

    [Fact]
    public async Task ARetriedDrawWithTheSameKeyReturnsTheSameBatchAndCostsOneDraw()
    {
        var (grain, caller, _, _) = await DrawingAsync();

        var first = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(true), "draw-1"));
        var again = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(true), "draw-1"));
        var reused = await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), "draw-1");

        Assert.Equal(first.Batch!.Plates, again.Batch!.Plates);
        Assert.Equal(4, again.RemainingDraws);
        Assert.Equal(ErrorCodes.IdempotencyKeyReused, reused.Error!.Code);
        Assert.Equal(4, Ok(await grain.ReadAsync(caller)).RemainingDraws);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneKeySpendOneDraw()
    {
        var (grain, caller, _, _) = await DrawingAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), "same")));

        Assert.Single(replies.Select(r => string.Join(",", r.View!.Batch!.Plates)).Distinct());
        Assert.Equal(4, Ok(await grain.ReadAsync(caller)).RemainingDraws);
    }

    [Fact]
    public async Task AutoConfirmHappensAtTheMomentWithNobodyCalling()
    {
        var (grain, caller, vin, _) = await DrawingAsync(_quick with { DrawsPerVehicle = 1, BatchSeconds = 1 });

        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;

        // Only the ledger and the outbox are watched: reading the selection would itself catch up.
        var entry = await WaitForAsync(() => fixture.Ledger.LiveByVinAsync(vin), seconds: 5);
        Assert.Equal(batch.Plates[0], entry.Plate);
        Assert.Equal(ConfirmedBy.Auto, entry.By);
        Assert.True(entry.ReservedAt >= batch.ExpiresAt);
        var view = Ok(await grain.ReadAsync(caller));
        Assert.Equal(ConfirmedBy.Auto, view.Selected!.By);
        Assert.Contains(AuditKinds.AutoConfirmation, (await fixture.Audit.ReadByVinAsync(vin)).Select(e => e.Kind));
    }

    [Fact]
    public async Task TheDurableReminderAutoConfirmsWhenTheActivationAndItsTimerAreGone()
    {
        var (grain, caller, vin, _) = await DrawingAsync(_quick with { DrawsPerVehicle = 1, BatchSeconds = 2 });
        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;

        // Deactivating drops the grain timer, as a silo restart would; only the reminder is left to act.
        await fixture.Cluster.DeactivateAsync(grain.GetGrainId());

        var entry = await WaitForAsync(() => fixture.Ledger.LiveByVinAsync(vin), seconds: 15);
        Assert.Equal(batch.Plates[0], entry.Plate);
        Assert.Equal(ConfirmedBy.Auto, entry.By);
    }

    [Fact]
    public async Task AfterACrashBetweenLedgerAndStateTheSelectionReconcilesOnActivation()
    {
        var (grain, caller, vin, office) = await DrawingAsync();
        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;
        // The ledger has the reservation (the pool wrote it) but the selection never saved its confirmation.
        await fixture.Ledger.ReserveAsync(new LedgerEntry(office.Code, batch.Plates[1], vin, ConfirmedBy.User, DateTimeOffset.UtcNow, new DateOnly(2026, 12, 31)));

        await fixture.Cluster.DeactivateAsync(grain.GetGrainId());
        var view = Ok(await grain.ReadAsync(caller));

        Assert.Equal(SelectionStage.Completed, view.Stage);
        Assert.Equal(batch.Plates[1], view.Selected!.Plate);
    }

    [Fact]
    public async Task StateSurvivesDeactivation()
    {
        var (grain, caller, _, _) = await DrawingAsync();
        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), "k")).Batch!;
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.AddBackup(batch.Plates[0]), null));

        await fixture.Cluster.DeactivateAsync(grain.GetGrainId());
        var view = Ok(await grain.ReadAsync(caller));

        Assert.Equal(4, view.RemainingDraws);
        Assert.Equal([batch.Plates[0]], view.Backups!.Plates);
        Assert.Equal(batch.Plates, Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), "k")).Batch!.Plates);
    }

    [Fact]
    public async Task EveryStepIsStoredBeforeItAnswersTheStepsBeforeDrawingToo()
    {
        var office = await fixture.CreateOfficeAsync(_quick);
        var (caller, vin) = await fixture.CreateApplicantAsync(office.Code);
        var grain = fixture.Client.GetGrain<ISelectionSessionGrain>(vin);

        // Each step that answered is in the store when its answer arrives: nothing waits in memory for a later step.
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Enter(), null));
        Assert.Equal(SelectionStage.ConfirmInfo, (await StoredAsync(grain)).Stage);
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.ConfirmInfo(office.Notice.Version), null));
        Assert.Equal((SelectionStage.ServiceInfo, office.Notice.Version), ((await StoredAsync(grain)).Stage, (await StoredAsync(grain)).NoticeVersion));
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Start(), null));
        Assert.Equal(SelectionStage.VerifyIdentity, (await StoredAsync(grain)).Stage);
        Assert.NotNull((await grain.ExecuteAsync(caller, new SelectionCommand.SendSmsCode(), null)).Sms);
        Assert.NotNull((await StoredAsync(grain)).Sms);
        var account = await fixture.Client.Account(caller.Username).GetAsync();
        var text = await WaitForAsync(async () => (await fixture.Client.GetGrain<ISmsOutboxGrain>(account!.Phone!).ListAsync()).FirstOrDefault());
        Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Verify(System.Text.RegularExpressions.Regex.Match(text.Text, "[0-9]{6}").Value), null));
        Assert.Equal(SelectionStage.Drawing, (await StoredAsync(grain)).Stage);

        var batch = Ok(await grain.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;
        var stored = await StoredAsync(grain);
        Assert.Equal((SelectionStage.Drawing, 1), (stored.Stage, stored.DrawsUsed));
        Assert.Equal(batch.Plates, stored.Batch!.Plates);
    }

    private async Task<SelectionState> StoredAsync(ISelectionSessionGrain grain)
    {
        var storage = fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageNames.Selections);
        var state = new GrainState<SelectionState>(new SelectionState());
        await storage.ReadStateAsync("selection", grain.GetGrainId(), state);
        return state.State ?? new SelectionState();
    }

    [Fact]
    public async Task SomeoneElseCannotActOnOrReadTheSelection()
    {
        var (grain, _, _, office) = await DrawingAsync();
        var (stranger, _) = await fixture.CreateApplicantAsync(office.Code);

        Assert.Equal(ErrorCodes.NotOwner, (await grain.ExecuteAsync(stranger, new SelectionCommand.Draw(false), null)).Error!.Code);
        Assert.Equal(ErrorCodes.NotOwner, (await grain.ReadAsync(stranger)).Error!.Code);
        var operatorOfOffice = new Caller("op", Role.Operator, office.Code, null, null);
        Assert.Null((await grain.ReadAsync(operatorOfOffice)).Error);
        Assert.Equal(ErrorCodes.Forbidden, (await grain.ReadAsync(operatorOfOffice with { OfficeCode = "999999" })).Error!.Code);
    }

    [Fact]
    public async Task ASimulationHoldsNothingInTheRealPool()
    {
        var office = await fixture.CreateOfficeAsync(_quick);
        var (caller, vin) = await fixture.CreateApplicantAsync(office.Code);
        var simulation = fixture.Client.GetGrain<ISimulationSessionGrain>($"{vin}|{caller.Username}");
        Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.Enter(), null));
        Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.ConfirmInfo(office.Notice.Version), null));
        Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.Start(), null));
        Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.Verify("999999"), null));

        var batch = Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.Draw(false), null)).Batch!;
        Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.AddBackup(batch.Plates[0]), null));
        var done = Ok(await simulation.ExecuteAsync(caller, new SelectionCommand.Confirm(batch.Plates[0]), null));

        Assert.True(done.Simulation);
        var counts = Assert.Single(await fixture.Client.GetGrain<IPlatePoolGrain>(office.Code).GetCountsAsync());
        Assert.Equal(10_000, counts.Available);
        Assert.Null(await fixture.Ledger.LiveByVinAsync(vin));
        Assert.Null(await fixture.Client.GetGrain<ISelectionSessionGrain>(vin).GetStageAsync());
    }
}
