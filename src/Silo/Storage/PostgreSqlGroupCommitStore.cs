using Npgsql;
using NpgsqlTypes;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit on PostgreSQL: a group travels as arrays to one call of the function <c>hot_grain_write</c> (migration
/// 0011), in its own implicit transaction, so one round trip commits it. Each write's version is checked there; a write
/// that did not land comes back without a new version, with the version stored.
/// </summary>
internal sealed class PostgreSqlGroupCommitStore : GroupCommitStore
{
    private const string WriteSql = """
        SELECT written, stored
        FROM hot_grain_write(@service_id, @state_names, @grain_ids, @payloads, @expected,
                             @added_positions, @added_keys, @added_payloads, @dropped_positions, @dropped_keys)
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly BatchWriter<StateWrite, WriteOutcome> _writer;
    private int _disposed;

    /// <param name="connectionString">As <see cref="StorageOptions.ResolveConnectionString"/> gives it: timeouts and pool size set.</param>
    public PostgreSqlGroupCommitStore(string connectionString, string serviceId)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _serviceId = serviceId;
        _writer = new BatchWriter<StateWrite, WriteOutcome>(CommitAsync, MaxGroupSize);
    }

    public override async Task<StoredState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken = default)
    {
        // One statement, one snapshot: the state and its replies as of one commit.
        await using var command = _dataSource.CreateCommand("""
            SELECT s.payload, s.version,
                   ARRAY(SELECT r.payload FROM hot_grain_replies AS r
                         WHERE r.service_id = s.service_id AND r.state_name = s.state_name AND r.grain_id = s.grain_id)
            FROM hot_grain_state AS s
            WHERE s.service_id = @service_id AND s.state_name = @state_name AND s.grain_id = @grain_id
            """);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.AddWithValue("state_name", stateName);
        command.Parameters.AddWithValue("grain_id", grainId);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new StoredState(reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetInt32(1), reader.GetFieldValue<byte[][]>(2))
                : null;
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            _dataSource.Clear();
            throw;
        }
    }

    public override Task<WriteOutcome> WriteAsync(StateWrite write) => _writer.WriteAsync(write);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _writer.DisposeAsync();
            await _dataSource.DisposeAsync();
        }
    }

    private async Task<IReadOnlyList<WriteOutcome>> CommitAsync(IReadOnlyList<StateWrite> group)
    {
        GroupStarted();
        // Positions count from 1, as PL/pgSQL's arrays do.
        var added = group.SelectMany((w, at) => w.AddedReplies.Select(r => (Position: at + 1L, r.Key, r.Payload))).ToList();
        var dropped = group.SelectMany((w, at) => w.DroppedReplies.Select(key => (Position: at + 1L, Key: key))).ToList();
        var outcomes = new WriteOutcome[group.Count];
        try
        {
            await using var command = _dataSource.CreateCommand(WriteSql);
            command.Parameters.AddWithValue("service_id", _serviceId);
            command.Parameters.Add(new NpgsqlParameter("state_names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = group.Select(w => w.StateName).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("grain_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = group.Select(w => w.GrainId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = group.Select(w => w.Payload).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = group.Select(w => w.ExpectedVersion).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("added_positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = added.Select(r => r.Position).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("added_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = added.Select(r => r.Key).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("added_payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = added.Select(r => r.Payload).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("dropped_positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = dropped.Select(r => r.Position).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("dropped_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = dropped.Select(r => r.Key).ToArray() });

            await using var reader = await command.ExecuteReaderAsync();
            for (var i = 0; i < group.Count; i++)
            {
                if (!await reader.ReadAsync())
                {
                    throw new InvalidOperationException($"The group write answered fewer rows than the {group.Count} it was sent.");
                }

                outcomes[i] = reader.IsDBNull(0)
                    ? WriteOutcome.Conflict(reader.IsDBNull(1) ? null : reader.GetInt32(1))
                    : WriteOutcome.Written(reader.GetInt32(0));
            }
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            // No answer: the pooled connections may all be dead; open fresh ones next time.
            _dataSource.Clear();
            throw;
        }

        GroupCommitted(group.Count);
        return outcomes;
    }
}
