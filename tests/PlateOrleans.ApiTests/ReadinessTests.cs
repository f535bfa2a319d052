namespace PlateOrleans.ApiTests;

/// <summary><c>/health/ready</c> asks the database too: the standalone app on a SQLite file whose file goes away and comes back.</summary>
public sealed class ReadinessTests : IDisposable
{
    private readonly string _directory = TestDirectories.Create("ready");

    private sealed class SqliteApiFactory(string file) : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={file}",
        };
    }

    public void Dispose() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    [Fact]
    public async Task Ready_says_the_database_is_down_while_its_file_is_gone_and_ready_again_when_it_is_back()
    {
        var file = Path.Combine(_directory, "plates.db");
        await using var app = new SqliteApiFactory(file);
        await app.InitializeAsync();
        var client = app.CreateClient();

        var ready = await Expect(HttpStatusCode.OK, client.GetAsync("/health/ready"));
        Assert.Equal("passed", ready.GetProperty("checks").GetProperty("storage").GetString());
        Assert.Equal("passed", ready.GetProperty("checks").GetProperty("cluster").GetString());

        File.Move(file, file + ".away");
        try
        {
            var down = await ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable", client.GetAsync("/health/ready"));
            Assert.Equal("failed", down.GetProperty("checks").GetProperty("storage").GetString());
            Assert.Equal("passed", down.GetProperty("checks").GetProperty("cluster").GetString());
            Assert.Contains("数据库", down.GetProperty("detail").GetString());
            await Expect(HttpStatusCode.OK, client.GetAsync("/health/live"));
        }
        finally
        {
            File.Move(file + ".away", file);
        }

        await Expect(HttpStatusCode.OK, client.GetAsync("/health/ready"));
    }
}
