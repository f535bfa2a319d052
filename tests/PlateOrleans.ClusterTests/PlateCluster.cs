using System.Globalization;
using Npgsql;

namespace PlateOrleans.ClusterTests;

/// <summary>
/// The cluster mode of the system on this machine: a PostgreSQL server of its own (so that a test may stop it), silo
/// processes of src/Silo joining through its membership table, and <see cref="Api"/>, the HTTP API as their client.
/// </summary>
public sealed class PlateCluster : IAsyncDisposable
{
    private const int ActiveStatus = 3;

    private readonly List<SiloProcess> _silos = [];
    private readonly Dictionary<string, string> _siloSettings;

    private PlateCluster(PostgresServer database, string connectionString, bool quickFailureDetection)
    {
        Database = database;
        ConnectionString = connectionString;
        ClusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        _siloSettings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "PostgreSql",
            ["Storage:ConnectionString"] = connectionString,
            ["Orleans:ServiceId"] = ClusterId,
            ["Orleans:ClusterId"] = ClusterId,
            ["Logging:LogLevel:Default"] = "Warning",
            // The SMS outbox, from which the tests read codes, exists only in Development.
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Sms:Provider"] = "Outbox",
        };
        if (quickFailureDetection)
        {
            // A crash declared within seconds, so that the test can watch the takeover. Two votes, so that one silo
            // too busy to see its peer's answers (a loaded machine) cannot by itself have a live peer declared dead.
            _siloSettings["Orleans:Membership:ProbeTimeout"] = "00:00:01";
            _siloSettings["Orleans:Membership:NumMissedProbesLimit"] = "3";
            _siloSettings["Orleans:Membership:NumVotesForDeathDeclaration"] = "2";
            _siloSettings["Orleans:Membership:TableRefreshTimeout"] = "00:00:01";
            _siloSettings["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:02";
        }

        Api = new ClusterApiFactory(this);
    }

    public PostgresServer Database { get; }

    public string ConnectionString { get; }

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The API in client mode (in memory, through <c>WebApplicationFactory</c>), started once the silos are active.</summary>
    public ClusterApiFactory Api { get; }

    /// <summary>
    /// Starts PostgreSQL, <paramref name="silos"/> silo processes at once (they migrate the schema in turn) and the API.
    /// Failure detection is Orleans' default (a crash is noticed in tens of seconds) unless
    /// <paramref name="quickFailureDetection"/> tunes it to seconds.
    /// </summary>
    public static async Task<PlateCluster> StartAsync(int silos, bool quickFailureDetection = false)
    {
        var database = await PostgresServer.StartNewAsync();
        var cluster = new PlateCluster(database, await database.CreateDatabaseAsync("cluster"), quickFailureDetection);
        try
        {
            for (var i = 0; i < silos; i++)
            {
                cluster._silos.Add(SiloProcess.Start(cluster._siloSettings));
            }

            await cluster.WaitForActiveAsync(silos);
            await cluster.Api.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until exactly <paramref name="count"/> silos of this cluster are active in the membership table.</summary>
    public async Task WaitForActiveAsync(int count, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var active = await ActivePortsAsync();
            if (active.Count == count)
            {
                return;
            }

            if (_silos.Count(s => !s.HasExited) < count)
            {
                throw new InvalidOperationException($"Fewer than {count} silos run:\n{string.Join("\n", _silos)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{active.Count} of {count} silos active after {seconds} s (ports {string.Join(", ", active)}):\n{string.Join("\n", _silos)}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The silo ports of the members the table says are active.</summary>
    public async Task<List<int>> ActivePortsAsync()
    {
        try
        {
            return await QueryAsync(
                "SELECT port FROM orleans_membership WHERE deployment_id = @cluster AND status = @active",
                reader => reader.GetInt32(0),
                ("cluster", ClusterId),
                ("active", ActiveStatus));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return []; // The first silo has not migrated the schema yet.
        }
    }

    /// <summary>The live rows of an office's ledger: (plate, VIN).</summary>
    public Task<List<(string Plate, string Vin)>> LiveLedgerAsync(string officeCode) =>
        QueryAsync(
            "SELECT plate, vin FROM plate_ledger WHERE office_code = @office AND released_at IS NULL",
            reader => (reader.GetString(0), reader.GetString(1)),
            ("office", officeCode));

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public override string ToString() =>
        $"cluster {ClusterId} on PostgreSQL :{Database.Port.ToString(CultureInfo.InvariantCulture)}\n{string.Join("\n", _silos)}";
}

/// <summary>The API of <see cref="PlateCluster"/>: a client of its silos, finding their gateways in PostgreSQL.</summary>
public sealed class ClusterApiFactory(PlateCluster cluster) : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Orleans:Mode"] = "Client",
        ["Orleans:ServiceId"] = cluster.ClusterId,
        ["Orleans:ClusterId"] = cluster.ClusterId,
        ["Storage:Provider"] = "PostgreSql",
        ["Storage:ConnectionString"] = cluster.ConnectionString,
    };
}
