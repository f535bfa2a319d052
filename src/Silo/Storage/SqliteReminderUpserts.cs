using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Reminder upserts on SQLite in groups: the upserts that arrive while the file's writer thread is busy go into one
/// group within the writer's shared transaction, with the very statement Orleans' ADO.NET reminder table runs (read from <c>OrleansQuery</c>) and its
/// parameters, so Orleans reads and removes these rows as its own. Orleans' table commits each upsert alone, and two per
/// applicant were the largest share of the writer thread in the draw phase (<c>docs/benchmarks.md</c>).
/// </summary>
internal sealed class SqliteReminderUpserts : IReminderUpserts
{
    private readonly string _serviceId;
    private readonly SqliteGroups<ReminderEntry, string?> _groups;

    /// <summary>Used on the writer thread only.</summary>
    private string? _upsert;

    public SqliteReminderUpserts(string connectionString, string serviceId)
    {
        _serviceId = serviceId;
        _groups = new(SqliteWriter.For(connectionString), "orleans", GroupCommitStore.MaxGroupSize, Upsert);
    }

    public Task<string?> UpsertAsync(ReminderEntry entry) => _groups.AddAsync(entry);

    private string?[] Upsert(SqliteTransaction transaction, List<ReminderEntry> group)
    {
        _upsert ??= QueryText(transaction);
        return [.. group.Select(entry => Upsert(transaction, entry))];
    }

    private string? Upsert(SqliteTransaction transaction, ReminderEntry entry)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _upsert;
        foreach (var (name, value) in ReminderParameters.Of(entry, _serviceId))
        {
            command.Parameters.AddWithValue("@" + name, value);
        }

        return command.ExecuteScalar()?.ToString();
    }

    private static string QueryText(SqliteTransaction transaction)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'UpsertReminderRowKey'";
        return command.ExecuteScalar() as string ?? throw new InvalidOperationException("OrleansQuery has no UpsertReminderRowKey: the schema was not migrated.");
    }
}
