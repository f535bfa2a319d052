using Npgsql;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Reminder upserts on PostgreSQL in groups: the upserts pending at a moment travel as one batch of Orleans' own
/// statement (read from <c>orleansquery</c>), one per reminder, which PostgreSQL runs in one implicit transaction: one
/// round trip and one commit for the group. A failed group fails only its own callers.
/// </summary>
internal sealed class PostgreSqlReminderUpserts : IReminderUpserts, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly BatchWriter<ReminderEntry, string?> _writer;
    private string? _upsert;

    /// <param name="connectionString">As <see cref="StorageOptions.ResolveConnectionString"/> gives it: timeouts and pool size set.</param>
    public PostgreSqlReminderUpserts(string connectionString, string serviceId)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _serviceId = serviceId;
        _writer = new BatchWriter<ReminderEntry, string?>(UpsertAsync, GroupCommitStore.MaxGroupSize);
    }

    public Task<string?> UpsertAsync(ReminderEntry entry) => _writer.WriteAsync(entry);

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private async Task<IReadOnlyList<string?>> UpsertAsync(IReadOnlyList<ReminderEntry> group)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            _upsert ??= await QueryTextAsync(connection);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var entry in group)
            {
                var command = new NpgsqlBatchCommand(_upsert);
                foreach (var (name, value) in ReminderParameters.Of(entry, _serviceId))
                {
                    command.Parameters.AddWithValue(name, value);
                }

                batch.BatchCommands.Add(command);
            }

            var etags = new string?[group.Count];
            await using var reader = await batch.ExecuteReaderAsync();
            for (var i = 0; i < group.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync() || !await reader.ReadAsync())
                {
                    throw new InvalidOperationException($"The reminder upserts answered fewer rows than the {group.Count} they were sent.");
                }

                etags[i] = reader.GetValue(0).ToString();
            }

            return etags;
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            // No answer: the pooled connections may all be dead; open fresh ones next time.
            _dataSource.Clear();
            throw;
        }
    }

    private static async Task<string> QueryTextAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = 'UpsertReminderRowKey'", connection);
        return await command.ExecuteScalarAsync() as string
            ?? throw new InvalidOperationException("orleansquery has no UpsertReminderRowKey: the schema was not migrated.");
    }
}
