using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Silo.Storage;
using PlateOrleans.Testing;
using Xunit.Abstractions;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// The standalone silo on its default SQLite storage, killed for real (no deactivation, no shutdown) after every step
/// of a selection that answered: each time it comes back at exactly that step, and a step's answer kept for its
/// Idempotency-Key is replayed after the kills.
/// </summary>
public sealed class SelectionRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _serviceId = $"restart-{Guid.NewGuid():N}";
    private ChildSilo? _silo;
    private IHost? _client;

    [Fact]
    public async Task ASelectionKilledAfterEachAnsweredStepComesBackAtThatStep()
    {
        var storage = await TestDatabases.CreateAsync(Engine.Sqlite, "restart");
        await StartAsync(storage);
        var office = await CreateOfficeAsync();
        var (caller, vin) = await CreateApplicantAsync(office.Code);
        var watch = Stopwatch.StartNew();

        var entered = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Enter(), null));
        await KillRestartAndExpectAsync(storage, vin, caller, entered, SelectionStage.ConfirmInfo);

        var informed = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.ConfirmInfo(office.Notice.Version), null));
        await KillRestartAndExpectAsync(storage, vin, caller, informed, SelectionStage.ServiceInfo);

        var started = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Start(), null));
        await KillRestartAndExpectAsync(storage, vin, caller, started, SelectionStage.VerifyIdentity);

        // The code is read from the outbox (process memory) before the kill; that it still verifies afterwards shows
        // the challenge was stored.
        Assert.NotNull((await Selection(vin).ExecuteAsync(caller, new SelectionCommand.SendSmsCode(), null)).Sms);
        var phone = (await Client.Account(caller.Username).GetAsync())!.Phone!;
        var text = Assert.Single(await Client.GetGrain<ISmsOutboxGrain>(phone).ListAsync()).Text;
        await KillRestartAndExpectAsync(storage, vin, caller, Ok(await Selection(vin).ReadAsync(caller)), SelectionStage.VerifyIdentity);

        var verified = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Verify(Regex.Match(text, "[0-9]{6}").Value), null));
        await KillRestartAndExpectAsync(storage, vin, caller, verified, SelectionStage.Drawing);

        // With an Idempotency-Key: its answer is kept apart from the state, and replayed after the kill.
        var drawn = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Draw(false), "the-first-draw"));
        await KillRestartAndExpectAsync(storage, vin, caller, drawn, SelectionStage.Drawing);
        Assert.Equal(Essentials(drawn), Essentials(Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Draw(false), "the-first-draw"))));
        var plate = drawn.Batch!.Plates[0];

        var backedUp = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.AddBackup(plate), null));
        await KillRestartAndExpectAsync(storage, vin, caller, backedUp, SelectionStage.Drawing);

        var confirmed = Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Confirm(plate), null));
        await KillRestartAndExpectAsync(storage, vin, caller, confirmed, SelectionStage.Completed);
        // The draw's retry still gets the first answer, and costs nothing.
        Assert.Equal(Essentials(drawn), Essentials(Ok(await Selection(vin).ExecuteAsync(caller, new SelectionCommand.Draw(false), "the-first-draw"))));
        Assert.Equal(Essentials(confirmed), Essentials(Ok(await Selection(vin).ReadAsync(caller))));
        output.WriteLine($"8 steps, 8 kills and restarts: {watch.Elapsed.TotalSeconds:F1} s");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => StopAsync();

    private IClusterClient Client => (IClusterClient)_client!.Services.GetService(typeof(IClusterClient))!;

    private ISelectionSessionGrain Selection(string vin) => Client.GetGrain<ISelectionSessionGrain>(vin);

    /// <summary>Kills the silo at once, starts another on the same file, and reads the selection there.</summary>
    private async Task KillRestartAndExpectAsync(StorageOptions storage, string vin, Caller caller, SelectionView answered, SelectionStage stage)
    {
        Assert.Equal(stage, answered.Stage);
        await _silo!.KillAsync();
        await StopAsync();
        await StartAsync(storage);

        var after = Ok(await Selection(vin).ReadAsync(caller));
        Assert.Equal(Essentials(answered), Essentials(after));
    }

    /// <summary>What a step decided, without the clock: stage, draws, the batch, the backups, the confirmed number.</summary>
    private static string Essentials(SelectionView view) =>
        $"{view.Stage}; {view.RemainingDraws} draws left; batch {view.Batch?.Number}: {string.Join(",", view.Batch?.Plates ?? [])}; " +
        $"backups: {string.Join(",", view.Backups?.Plates ?? [])}; selected: {view.Selected?.Plate} {view.Selected?.VoucherCode}";

    private async Task StartAsync(StorageOptions storage)
    {
        var gatewayPort = TcpPorts.GetFree();
        _silo = await ChildSilo.StartStandaloneAsync(storage, _serviceId, TcpPorts.GetFree(), gatewayPort);
        var builder = Host.CreateApplicationBuilder();
        TestSilos.QuietLogging(builder.Logging);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, _serviceId, _serviceId));
        _client = builder.Build();
        await _client.StartAsync();
    }

    private async Task StopAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
            _client = null;
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
            _silo = null;
        }
    }

    private async Task<OfficeSnapshot> CreateOfficeAsync()
    {
        var office = Client.GetGrain<IOfficeGrain>("139901");
        // Countdowns long enough to outlast the restarts; no wait before the code may be confirmed.
        var rules = OfficeRules.Default with { SmsConfirmDelaySeconds = 0, BatchSeconds = 600, BackupSeconds = 600 };
        await office.PutAsync(new OfficeSettings { Name = "测试车管所", Prefix = "冀A", Province = "冀", Hours = OfficeHours.AllDay, Rules = rules });
        return (await office.PublishPoolAsync(new PoolPublication([new SeriesBlocks(PlateKind.Small, 'D', ["D0####"])]))).Value!;
    }

    private async Task<(Caller Caller, string Vin)> CreateApplicantAsync(string officeCode)
    {
        var id = IdNumbers.PersonWithCheck("13010219900101123");
        var username = "restart-applicant";
        await Client.GetGrain<IOwnerGrain>(id).RegisterAsync(new AccountRecord
        {
            Username = username,
            PasswordHash = "-",
            Role = Role.Citizen,
            Phone = "13900000001",
            UserType = UserType.Owner,
            OfficeCode = officeCode,
            IdNumber = id,
        });
        var vin = Vin.WithCheckDigit("LTEST0000RESTART1");
        await Client.GetGrain<IVehicleGrain>(vin).UpsertAsync(new VehicleRecord(vin, "冀A12345", PlateKind.Small, EnergyKind.Pure, id, officeCode, "13900000001"));
        return (new Caller(username, Role.Citizen, officeCode, id, UserType.Owner), vin);
    }

    private static SelectionView Ok(SelectionReply reply)
    {
        Assert.True(reply.Error is null, $"{reply.Error?.Code}: {reply.Error?.Detail}");
        return reply.View!;
    }
}
