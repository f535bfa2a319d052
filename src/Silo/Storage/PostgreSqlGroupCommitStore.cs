using Npgsql;
using NpgsqlTypes;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit on PostgreSQL: a group travels as arrays and is written by one statement, in its own implicit
/// transaction, so one round trip commits it. Each row's version is checked in the statement; the rows that did not
/// match come back without a new version, with the version stored.
/// </summary>
internal sealed class PostgreSqlGroupCommitStore : GroupCommitStore
{
    // The updates and the inserts see the table as it was when the statement began (one snapshot), so "stored" is the
    // version a conflicting write ran into (looked up only for a write that did not land). A state appears once per
    // statement (see Rounds). The replies kept apart change only for the rows written: added (or replaced) and dropped
    // by position in the input; a clear drops all. A key is never both added and dropped in one write.
    private const string Written = """
        WITH input AS
        (
            SELECT * FROM unnest(@state_names, @grain_ids, @payloads, @expected)
                WITH ORDINALITY AS i (state_name, grain_id, payload, expected, position)
        ),
        updated AS
        (
            UPDATE hot_grain_state AS s
            SET payload = i.payload, version = s.version + 1, modified_at = now()
            FROM input AS i
            WHERE i.expected IS NOT NULL
              AND s.service_id = @service_id AND s.state_name = i.state_name AND s.grain_id = i.grain_id
              AND s.version = i.expected
            RETURNING i.position, s.version
        ),
        inserted AS
        (
            INSERT INTO hot_grain_state (service_id, state_name, grain_id, payload, version)
            SELECT @service_id, i.state_name, i.grain_id, i.payload, 1
            FROM input AS i
            WHERE i.expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING state_name, grain_id, version
        ),
        written AS
        (
            SELECT i.position, i.state_name, i.grain_id, i.payload IS NULL AS cleared
            FROM input AS i
            WHERE i.position IN (SELECT position FROM updated)
               OR (i.expected IS NULL AND EXISTS
                   (SELECT 1 FROM inserted AS n WHERE n.state_name = i.state_name AND n.grain_id = i.grain_id))
        ),
        """;

    // Only a group that drops a reply or clears a state has this part: it reads every reply kept for each state
    // written, which made it a third of a group's time when nothing was to be dropped (auto_explain, the draw phase).
    private const string Dropped = """
        dropped AS
        (
            DELETE FROM hot_grain_replies AS r
            USING written AS w
            WHERE r.service_id = @service_id AND r.state_name = w.state_name AND r.grain_id = w.grain_id
              AND (w.cleared OR (w.position, r.reply_key) IN (SELECT * FROM unnest(@dropped_positions, @dropped_keys)))
        ),
        """;

    private const string AddedAndAnswered = """
        added AS
        (
            INSERT INTO hot_grain_replies (service_id, state_name, grain_id, reply_key, payload)
            SELECT @service_id, w.state_name, w.grain_id, a.reply_key, a.payload
            FROM unnest(@added_positions, @added_keys, @added_payloads) AS a (position, reply_key, payload)
            JOIN written AS w ON w.position = a.position
            ON CONFLICT (service_id, state_name, grain_id, reply_key) DO UPDATE SET payload = excluded.payload
        )
        SELECT COALESCE(u.version, n.version) AS written,
               CASE WHEN u.version IS NULL AND n.version IS NULL THEN
                   (SELECT s.version FROM hot_grain_state AS s
                    WHERE s.service_id = @service_id AND s.state_name = i.state_name AND s.grain_id = i.grain_id)
               END AS stored
        FROM input AS i
        LEFT JOIN updated AS u ON u.position = i.position
        LEFT JOIN inserted AS n ON i.expected IS NULL AND n.state_name = i.state_name AND n.grain_id = i.grain_id
        ORDER BY i.position
        """;

    private const string WriteSql = Written + Dropped + AddedAndAnswered;

    private const string WriteWithoutDropsSql = Written + AddedAndAnswered;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly BatchWriter<StateWrite, WriteOutcome> _writer;
    private int _disposed;

    /// <param name="connectionString">As <see cref="StorageOptions.ResolveConnectionString"/> gives it: timeouts and pool size set.</param>
    public PostgreSqlGroupCommitStore(string connectionString, string serviceId)
    {
        _dataSource = NpgsqlDataSource.Create(WithCustomPlans(connectionString));
        _serviceId = serviceId;
        _writer = new BatchWriter<StateWrite, WriteOutcome>(CommitAsync, MaxGroupSize);
    }

    /// <summary>
    /// The connection string of the group writes: every execution planned for its own arguments. A prepared statement
    /// otherwise moves to PostgreSQL's generic plan, costed from the statistics of the moment; made while the table was
    /// small, that plan hashed the whole table for every group (auto_explain in the draw phase: 3.6 ms a group,
    /// scanning all 6,400 rows, against 1.25 ms planned each time), and it grows with the table until the next analyze.
    /// </summary>
    internal static string WithCustomPlans(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = $"{builder.Options} -c plan_cache_mode=force_custom_plan".Trim();
        return builder.ConnectionString;
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
        var outcomes = new WriteOutcome[group.Count];
        var rounds = Rounds(group);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            // One round (the rule): the statement is its own transaction. Several: one transaction around them.
            await using var transaction = rounds.Count > 1 ? await connection.BeginTransactionAsync() : null;
            foreach (var round in rounds)
            {
                await WriteRoundAsync(connection, group, round, outcomes);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync();
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

    private async Task WriteRoundAsync(NpgsqlConnection connection, IReadOnlyList<StateWrite> group, List<int> round, WriteOutcome[] outcomes)
    {
        // Positions count from 1, as the input's ordinality does.
        var added = round.SelectMany((i, at) => group[i].AddedReplies.Select(r => (Position: at + 1L, r.Key, r.Payload))).ToList();
        var dropped = round.SelectMany((i, at) => group[i].DroppedReplies.Select(key => (Position: at + 1L, Key: key))).ToList();
        var drops = dropped.Count > 0 || round.Any(i => group[i].Payload is null);
        await using var command = new NpgsqlCommand(drops ? WriteSql : WriteWithoutDropsSql, connection);
        command.Parameters.AddWithValue("service_id", _serviceId);
        command.Parameters.Add(new NpgsqlParameter("state_names", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = round.Select(i => group[i].StateName).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("grain_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = round.Select(i => group[i].GrainId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = round.Select(i => group[i].Payload).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = round.Select(i => group[i].ExpectedVersion).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("added_positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = added.Select(r => r.Position).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("added_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = added.Select(r => r.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("added_payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = added.Select(r => r.Payload).ToArray() });
        if (drops)
        {
            command.Parameters.Add(new NpgsqlParameter("dropped_positions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = dropped.Select(r => r.Position).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("dropped_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = dropped.Select(r => r.Key).ToArray() });
        }

        await using var reader = await command.ExecuteReaderAsync();
        foreach (var i in round)
        {
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException($"The group write answered fewer rows than the {round.Count} it was sent.");
            }

            outcomes[i] = reader.IsDBNull(0)
                ? WriteOutcome.Conflict(reader.IsDBNull(1) ? null : reader.GetInt32(1))
                : WriteOutcome.Written(reader.GetInt32(0));
        }
    }
}
