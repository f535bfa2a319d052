using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static PlateOrleans.ApiTests.ApiDriver;

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
}
