using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using Xunit;

namespace PlateOrleans.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 server: initdb into a fresh temporary directory, listening on a free port of 127.0.0.1
/// (its unix socket inside that directory), trust authentication for user postgres. Databases are created on
/// demand. It can be stopped and started again on the same port (to test outages), and disposing it deletes
/// everything. Use <see cref="SharedAsync"/> for ordinary tests and <see cref="StartNewAsync"/> for a server you
/// will stop. When the binaries are missing the test is skipped, or fails when the environment variable CI is "true".
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private static readonly Lazy<Task<PostgresServer>> _shared = new(StartSharedAsync);
    private static int _databaseCount;

    private readonly string _directory;
    private bool _disposed;

    private PostgresServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>
    /// The server of the whole test run, started on first use and removed when the process exits. Never stop it:
    /// other tests run on it at the same time.
    /// </summary>
    public static Task<PostgresServer> SharedAsync()
    {
        RequireBinaries();
        return _shared.Value;
    }

    /// <summary>A server of your own, for a test that stops it; dispose it at the end.</summary>
    public static async Task<PostgresServer> StartNewAsync()
    {
        RequireBinaries();
        var directory = TestDirectories.Create("postgres");
        var server = new PostgresServer(directory, TcpPorts.GetFree());
        try
        {
            if (Environment.UserName == "root")
            {
                // PostgreSQL refuses to run as root; the server binaries run as postgres, which must own the files.
                await RunAsync("chown", ["postgres", directory]);
            }

            await server.RunServerBinaryAsync("initdb", "-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The connection string of a database on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ToString();

    /// <summary>Creates an empty database, named after <paramref name="name"/> and unique in this test run.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var number = Interlocked.Increment(ref _databaseCount);
        var database = new string([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        database = $"{database[..Math.Min(database.Length, 50)]}_{number.ToString(CultureInfo.InvariantCulture)}";

        // Pooling off: a pooled connection to "postgres" would outlive a StopAsync and fail the next call.
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{database}\"";
        await command.ExecuteNonQueryAsync();
        return ConnectionString(database);
    }

    /// <summary>Stops the server (fast shutdown: open connections are cut). Data is kept for <see cref="StartAsync"/>.</summary>
    public Task StopAsync() => RunServerBinaryAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "fast", "-w");

    /// <summary>Starts the server, again on the same port, and waits until it accepts connections.</summary>
    public Task StartAsync() => RunServerBinaryAsync(
        "pg_ctl", "start", "-D", DataDirectory, "-w", "-t", "60", "-l", Path.Combine(_directory, "server.log"), "-o",
        string.Join(' ',
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            $"-c unix_socket_directories={_directory}",
            // Throwaway data: durability only costs time here.
            "-c fsync=off",
            "-c full_page_writes=off",
            "-c synchronous_commit=off",
            // Parallel tests, each with silos and pools of their own.
            "-c max_connections=300"));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await RunServerBinaryAsync("pg_ctl", "stop", "-D", DataDirectory, "-m", "immediate", "-w");
        }

        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Stops the server left in <paramref name="directory"/> by a test process that no longer runs.</summary>
    internal static void StopAbandoned(string directory)
    {
        var data = Path.Combine(directory, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")) && File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
        {
            new PostgresServer(directory, 0).RunServerBinaryAsync("pg_ctl", "stop", "-D", data, "-m", "immediate", "-w").GetAwaiter().GetResult();
        }
    }

    private static async Task<PostgresServer> StartSharedAsync()
    {
        var server = await StartNewAsync();
        // Test runners give no hook after the last test, and they kill the test process soon after it starts to
        // exit: only signal the server (an immediate shutdown, without waiting for it). The files, and the server
        // too if even that was cut short, go in the next run's TestDirectories sweep.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            server.RunServerBinaryAsync("pg_ctl", "stop", "-D", server.DataDirectory, "-m", "immediate", "--no-wait").GetAwaiter().GetResult();
        return server;
    }

    private static void RequireBinaries()
    {
        if (File.Exists(Path.Combine(BinDirectory, "pg_ctl")))
        {
            return;
        }

        var message = $"PostgreSQL 15 server binaries are missing from {BinDirectory} (Debian package postgresql-15).";
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException(message + " CI must run the PostgreSQL tests.");
        }

        throw new SkipException(message);
    }

    private Task RunServerBinaryAsync(string binary, params string[] arguments)
    {
        var path = Path.Combine(BinDirectory, binary);
        return Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments])
            : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:")
                .AppendLine(await output)
                .AppendLine(await error);
            throw new InvalidOperationException(message.ToString());
        }
    }
}
