using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using PlateOrleans.Silo.Storage;
using PlateOrleans.Testing;

namespace PlateOrleans.DatabaseTests;

/// <summary>The two databases every storage test runs on.</summary>
public enum Engine
{
    Sqlite,
    PostgreSql,
}

/// <summary>Runs a theory once on each <see cref="Engine"/>: <c>[SkippableTheory, BothDatabases]</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BothDatabasesAttribute : Xunit.Sdk.DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) =>
        Enum.GetValues<Engine>().Select(engine => new object[] { engine });
}

/// <summary>Fresh, empty databases for one test: a SQLite file in a temporary directory, or a database on the shared PostgreSQL.</summary>
public static class TestDatabases
{
    public static async Task<StorageOptions> CreateAsync(Engine engine, string name) => engine switch
    {
        Engine.Sqlite => new StorageOptions
        {
            Provider = StorageProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(TestDirectories.Create("sqlite"), name + ".db")}",
        },
        Engine.PostgreSql => new StorageOptions
        {
            Provider = StorageProvider.PostgreSql,
            ConnectionString = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync(name),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(engine)),
    };

    /// <summary>A fresh database with the schema applied.</summary>
    public static async Task<StorageOptions> CreateMigratedAsync(Engine engine, string name)
    {
        var options = await CreateAsync(engine, name);
        await SchemaMigrator.MigrateAsync(options);
        return options;
    }

    /// <summary>A plain connection to the test database, for looking at what the providers wrote.</summary>
    public static async Task<DbConnection> OpenAsync(StorageOptions options)
    {
        DbConnection connection = options.Provider == StorageProvider.PostgreSql
            ? new NpgsqlConnection(options.ResolveConnectionString())
            : new SqliteConnection(options.ResolveConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<long> CountAsync(StorageOptions options, string sql)
    {
        await using var connection = await OpenAsync(options);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The first column of the first row, as the database gives it.</summary>
    public static async Task<T> ScalarAsync<T>(StorageOptions options, string sql)
    {
        await using var connection = await OpenAsync(options);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Assert.IsType<T>(await command.ExecuteScalarAsync());
    }

    public static async Task ExecuteAsync(StorageOptions options, string sql)
    {
        await using var connection = await OpenAsync(options);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
