using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Silo.Storage;
using PlateOrleans.Testing;

namespace PlateOrleans.DatabaseTests;

/// <summary>When the database does not answer, callers hear so within seconds; when it is back, the same ledger works.</summary>
public sealed class LedgerOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    // The timeout plus scheduling slack on a loaded two-core machine; far below the drivers' defaults (15-30 s).
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(6);

    [SkippableFact]
    public async Task WhilePostgreSqlIsStoppedReservationsFailFastAndAfterARestartTheSameLedgerWritesAgain()
    {
        // A server of our own: stopping the shared one would break the tests running beside this one.
        await using var server = await PostgresServer.StartNewAsync();
        var options = new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = await server.CreateDatabaseAsync("outage"), Timeout = Timeout };
        await SchemaMigrator.MigrateAsync(options);
        await using var database = LedgerDatabase.Create(options);
        await using var ledger = new SqlPlateLedger(database);
        await using var trail = new SqlAuditTrail(database);
        Assert.Equal(LedgerWriteStatus.Written, (await ledger.ReserveAsync(Entry("粤B00001", "VIN-BEFORE"))).Status);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var during = Enumerable.Range(0, 20).Select(i => ledger.ReserveAsync(Entry($"粤B1{i:D4}", $"VIN-DURING-{i}"))).ToList();
        foreach (var reservation in during)
        {
            await Assert.ThrowsAsync<LedgerUnavailableException>(() => reservation);
        }

        await Assert.ThrowsAsync<LedgerUnavailableException>(() => trail.AppendAsync(new AuditEvent(DateTimeOffset.UtcNow, AuditKinds.Draw, "VIN-DURING-0", "4401", null, [])));
        Assert.True(clock.Elapsed < Prompt, $"Callers waited {clock.Elapsed} for the unavailable answer.");

        await server.StartAsync();

        Assert.Equal(LedgerWriteStatus.Written, (await ledger.ReserveAsync(Entry("粤B00002", "VIN-AFTER"))).Status);
        await trail.AppendAsync(new AuditEvent(DateTimeOffset.UtcNow, AuditKinds.Draw, "VIN-AFTER", "4401", null, ["粤B00002"]));
        Assert.NotNull(await ledger.LiveByVinAsync("VIN-BEFORE"));
        Assert.Null(await ledger.LiveByVinAsync("VIN-DURING-0"));
    }

    [Fact]
    public async Task WhileAnotherConnectionLocksSqliteReservationsFailFastAndAfterwardsTheSameLedgerWritesAgain()
    {
        var options = await TestDatabases.CreateMigratedAsync(Engine.Sqlite, "locked");
        options.Timeout = Timeout;
        await using var database = LedgerDatabase.Create(options);
        await using var ledger = new SqlPlateLedger(database);
        Assert.Equal(LedgerWriteStatus.Written, (await ledger.ReserveAsync(Entry("粤B00001", "VIN-BEFORE"))).Status);

        await using (var locker = new SqliteConnection(options.ResolveConnectionString()))
        {
            await locker.OpenAsync();
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAsync<LedgerUnavailableException>(() => ledger.ReserveAsync(Entry("粤B00002", "VIN-DURING")));
            Assert.True(clock.Elapsed < Prompt, $"The caller waited {clock.Elapsed} for the unavailable answer.");

            exclusive.CommandText = "ROLLBACK";
            await exclusive.ExecuteNonQueryAsync();
        }

        Assert.Equal(LedgerWriteStatus.Written, (await ledger.ReserveAsync(Entry("粤B00003", "VIN-AFTER"))).Status);
    }

    private static LedgerEntry Entry(string plate, string vin) =>
        new("4401", plate, vin, ConfirmedBy.User, new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero), new DateOnly(2026, 3, 17));
}
