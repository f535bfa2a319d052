using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Reminder upserts on SQLite in groups: the upserts that arrive while the file's writer thread is busy go into one
/// transaction, with the very statement Orleans' ADO.NET reminder table runs (read from <c>OrleansQuery</c>) and its
/// parameters, so Orleans reads and removes these rows as its own. Orleans' table commits each upsert alone, and two per
/// applicant were the largest share of the writer thread in the draw phase (<c>docs/benchmarks.md</c>).
/// </summary>
internal sealed class SqliteReminderUpserts
{
    private readonly string _connectionString;
    private readonly string _serviceId;
    private readonly SqliteGroups<ReminderEntry, string?> _groups;

    /// <summary>Used on the writer thread only.</summary>
    private SqliteConnection? _connection;
    private string? _upsert;

    public SqliteReminderUpserts(string connectionString, string serviceId)
    {
        _connectionString = connectionString;
        _serviceId = serviceId;
        _groups = new(SqliteWriter.For(connectionString), "orleans", GroupCommitStore.MaxGroupSize, UpsertOnWriter);
    }

    /// <summary>Inserts or updates the reminder; answers its new ETag once its group committed.</summary>
    public Task<string?> UpsertAsync(ReminderEntry entry) => _groups.AddAsync(entry);

    private string?[] UpsertOnWriter(List<ReminderEntry> group)
    {
        try
        {
            _connection ??= SqliteWriter.OpenConnection(_connectionString);
            _upsert ??= QueryText(_connection);
            using var transaction = _connection.BeginTransaction(deferred: false);
            var etags = group.Select(entry => Upsert(_connection, transaction, entry)).ToArray();
            transaction.Commit();
            return etags;
        }
        catch
        {
            _connection?.Dispose();
            _connection = null;
            throw;
        }
    }

    private string? Upsert(SqliteConnection connection, SqliteTransaction transaction, ReminderEntry entry)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _upsert;
        // As Orleans' AdoNetReminderTable sets them: a start time without a kind is UTC, the hash as a signed int,
        // the period in milliseconds.
        var startAt = entry.StartAt.Kind is DateTimeKind.Unspecified ? new DateTime(entry.StartAt.Ticks, DateTimeKind.Utc) : entry.StartAt;
        command.Parameters.AddWithValue("@ServiceId", _serviceId);
        command.Parameters.AddWithValue("@GrainHash", (int)entry.GrainId.GetUniformHashCode());
        command.Parameters.AddWithValue("@GrainId", entry.GrainId.ToString());
        command.Parameters.AddWithValue("@ReminderName", entry.ReminderName);
        command.Parameters.AddWithValue("@StartTime", startAt);
        command.Parameters.AddWithValue("@Period", entry.Period.TotalMilliseconds <= int.MaxValue ? (int)entry.Period.TotalMilliseconds : (long)entry.Period.TotalMilliseconds);
        return command.ExecuteScalar()?.ToString();
    }

    private static string QueryText(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'UpsertReminderRowKey'";
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException("OrleansQuery has no UpsertReminderRowKey: the schema was not migrated.");
    }
}
