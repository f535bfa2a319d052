namespace PlateOrleans.ApiTests;

/// <summary>The standalone app on its default SQLite storage, stopped and started again on the same file.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "plate-restart-" + Guid.NewGuid().ToString("N"));

    private sealed class SqliteApiFactory(string file) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={file}",
        };
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ASelectionStoppedMidwayResumesAfterARestartWithItsDrawsBackupsAndReservations()
    {
        var file = Path.Combine(_directory, "plates.db");
        string vin, backup, confirmedElsewhere, office;
        JsonElement before;
        Citizen citizen;
        await using (var first = new SqliteApiFactory(file))
        {
            var api = new ApiDriver(first);
            office = await api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, backupSeconds = 600, batchSeconds = 600 });
            (citizen, vin) = await api.ApplicantAsync(office);
            await api.WalkToDrawingAsync(citizen, vin);
            var batch = (await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/draws", new { }))).GetProperty("batch");
            backup = batch.GetProperty("plates")[0].GetString()!;
            await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/backups", new { plate = backup }));
            await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/draws", new { }));
            before = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync($"/api/v1/selections/{vin}"));

            // A second applicant confirms a number before the restart.
            var (other, otherVin) = await api.ApplicantAsync(office);
            await api.WalkToDrawingAsync(other, otherVin);
            confirmedElsewhere = (await Expect(HttpStatusCode.Created, other.Client.PostAsJsonAsync($"/api/v1/selections/{otherVin}/draws", new { })))
                .GetProperty("batch").GetProperty("plates")[0].GetString()!;
            await Expect(HttpStatusCode.OK, other.Client.PostAsJsonAsync($"/api/v1/selections/{otherVin}/backups", new { plate = confirmedElsewhere }));
            await Expect(HttpStatusCode.OK, other.Client.PostAsJsonAsync($"/api/v1/selections/{otherVin}/confirmation", new { plate = confirmedElsewhere }));
        }

        await using var second = new SqliteApiFactory(file);
        var again = new ApiDriver(second);
        var client = await again.SignInAsync(citizen.Username, "Passw0rd!");

        var after = await Expect(HttpStatusCode.OK, client.GetAsync($"/api/v1/selections/{vin}"));
        Assert.Equal(before.GetProperty("stage").GetString(), after.GetProperty("stage").GetString());
        Assert.Equal(3, after.GetProperty("remainingDraws").GetInt32());
        Assert.Equal(before.GetProperty("backups").GetRawText(), after.GetProperty("backups").GetRawText());
        Assert.Equal(before.GetProperty("batch").GetProperty("plates").GetRawText(), after.GetProperty("batch").GetProperty("plates").GetRawText());

        // The pool was rebuilt from the ledger: the number confirmed before the restart is still out of it.
        var pool = await again.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{office}/pool");
        Assert.Equal(1, pool.GetProperty("series")[0].GetProperty("reserved").GetInt32());

        // Holds are not durable, but the backup is taken again for its owner and can be confirmed.
        var done = await Expect(HttpStatusCode.OK, client.PostAsJsonAsync($"/api/v1/selections/{vin}/confirmation", new { plate = backup }));
        Assert.Equal(backup, done.GetProperty("selected").GetProperty("plate").GetString());
        pool = await again.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{office}/pool");
        Assert.Equal(2, pool.GetProperty("series")[0].GetProperty("reserved").GetInt32());
    }

    [Fact]
    public async Task AnAutoConfirmDueWhileTheAppWasStoppedHappensWhenItStartsAgain()
    {
        var file = Path.Combine(_directory, "plates.db");
        string office, first;
        await using (var before = new SqliteApiFactory(file))
        {
            var api = new ApiDriver(before);
            office = await api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, drawsPerVehicle = 1, batchSeconds = 2 });
            var (citizen, vin) = await api.ApplicantAsync(office);
            await api.WalkToDrawingAsync(citizen, vin);
            first = (await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/draws", new { })))
                .GetProperty("batch").GetProperty("plates")[0].GetString()!;
        }

        // The moment passes while nothing runs.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var after = new SqliteApiFactory(file);
        var again = new ApiDriver(after);

        // Nobody calls the selection: only the ledger's assignments are watched (the pool's counts show a reservation
        // from the moment it starts, before the ledger committed it). The reminder ticks at most a period (one minute)
        // after the restart.
        var admin = await again.AdminAsync();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<JsonElement> assignments;
        do
        {
            await Task.Delay(500);
            assignments = [.. (await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/admin/offices/{office}/assignments"))).EnumerateArray()];
            Assert.True(DateTime.UtcNow < deadline, "the auto-confirm did not happen within 90 s of the restart");
        }
        while (assignments.Count == 0);

        var assignment = Assert.Single(assignments);
        var series = (await again.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{office}/pool")).GetProperty("series")[0];
        Assert.Equal(1, series.GetProperty("reserved").GetInt32());
        Assert.Equal(first, assignment.GetProperty("plate").GetString());
        Assert.Equal("auto", assignment.GetProperty("by").GetString());
    }

    [Fact]
    public async Task ABookingThatWasAnsweredIsThereAfterARestartAndItsPlaceStillCounts()
    {
        var file = Path.Combine(_directory, "plates.db");
        Confirmed confirmed;
        var date = Appointments.Today(DateTimeOffset.UtcNow).AddDays(2);
        JsonElement booking;
        await using (var first = new SqliteApiFactory(file))
        {
            var api = new ApiDriver(first);
            confirmed = await Confirmed.WalkAsync(api, await Appointments.OfficeAsync(api, capacity: 1));
            booking = await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Appointments.Path(confirmed.Vin), Appointments.Body(date)));
        }

        await using var second = new SqliteApiFactory(file);
        var again = new ApiDriver(second);
        var client = await again.SignInAsync(confirmed.Citizen.Username, "Passw0rd!");

        Assert.Equal(booking.GetRawText(), (await Expect(HttpStatusCode.OK, client.GetAsync(Appointments.Path(confirmed.Vin)))).GetRawText());
        Assert.Equal(1, await Appointments.BookedAsync(again, confirmed.Office, date));
        // The one place is taken: another applicant hears so.
        var other = await Confirmed.WalkAsync(again, confirmed.Office);
        await ExpectProblem(HttpStatusCode.Conflict, "slot_full", other.Citizen.Client.PostAsJsonAsync(Appointments.Path(other.Vin), Appointments.Body(date)));
    }
}
