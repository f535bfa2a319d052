using Microsoft.Data.Sqlite;

namespace PlateOrleans.Silo.Storage;

/// <summary>
/// Group commit on SQLite: on the file's one writer thread (<see cref="SqliteWriter"/>), whatever is queued is written
/// within the writer's shared transaction, one small statement per write (SQLite has no round trip to save; the
/// commit's fsync is the cost, paid once per transaction, which the ledger's, the audit trail's and the reminders'
/// writes queued beside it share). Writes that arrive meanwhile form the next group. Readers open connections of their
/// own and, in WAL mode, read the last commit without waiting for the writer.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite has no truly asynchronous I/O: its async methods run synchronously. The writer thread takes
/// the commits' fsyncs, never a thread-pool thread. Its busy timeout is <see cref="StorageOptions.Timeout"/>, as the
/// ledger's is (another process holding the file longer than that fails the group: the callers hear "unavailable").
/// Durability: synchronous = FULL, as for the ledger (see <see cref="SqliteLedgerDatabase"/>).
/// </remarks>
internal sealed class SqliteGroupCommitStore : GroupCommitStore
{
    private const string Now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
    private const string Key = "service_id = @service_id AND state_name = @state_name AND grain_id = @grain_id";

    private readonly string _connectionString;
    private readonly string _serviceId;
    private readonly SqliteGroups<StateWrite, WriteOutcome> _groups;

    public SqliteGroupCommitStore(string connectionString, int timeoutSeconds, string serviceId)
    {
        // Microsoft.Data.Sqlite retries a busy database until the command timeout: that is the busy timeout.
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = timeoutSeconds }.ToString();
        _serviceId = serviceId;
        _groups = new(SqliteWriter.For(_connectionString), "selections", MaxGroupSize, Commit, GroupStarted, GroupCommitted);
    }

    public override async Task<StoredState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // One read transaction (deferred: no write lock) for the state and its replies as of one commit.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT payload, version FROM hot_grain_state WHERE {Key}";
        command.Parameters.AddWithValue("@service_id", _serviceId);
        command.Parameters.AddWithValue("@state_name", stateName);
        command.Parameters.AddWithValue("@grain_id", grainId);
        byte[]? payload;
        int version;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (payload, version) = (reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), reader.GetInt32(1));
        }

        command.CommandText = $"SELECT payload FROM hot_grain_replies WHERE {Key}";
        var replies = new List<byte[]>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                replies.Add((byte[])reader.GetValue(0));
            }
        }

        return new StoredState(payload, version, replies);
    }

    public override Task<WriteOutcome> WriteAsync(StateWrite write) => _groups.AddAsync(write);

    /// <summary>Takes no more writes and commits those queued.</summary>
    public override async ValueTask DisposeAsync() => await _groups.CloseAsync();

    /// <summary>On the writer thread, within its shared transaction: one group, one small statement per write.</summary>
    private WriteOutcome[] Commit(SqliteTransaction transaction, List<StateWrite> group)
    {
        using var insert = Command(transaction, $"""
            INSERT INTO hot_grain_state (service_id, state_name, grain_id, payload, version, modified_at)
            VALUES (@service_id, @state_name, @grain_id, @payload, 1, {Now})
            ON CONFLICT DO NOTHING
            RETURNING version
            """);
        using var update = Command(transaction, $"""
            UPDATE hot_grain_state SET payload = @payload, version = version + 1, modified_at = {Now}
            WHERE {Key} AND version = @expected
            RETURNING version
            """);
        using var stored = Command(transaction, $"SELECT version FROM hot_grain_state WHERE {Key}");
        using var addReply = Command(transaction, """
            INSERT INTO hot_grain_replies (service_id, state_name, grain_id, reply_key, payload)
            VALUES (@service_id, @state_name, @grain_id, @reply_key, @payload)
            ON CONFLICT (service_id, state_name, grain_id, reply_key) DO UPDATE SET payload = excluded.payload
            """);
        using var dropReply = Command(transaction, $"DELETE FROM hot_grain_replies WHERE {Key} AND reply_key = @reply_key");
        using var dropReplies = Command(transaction, $"DELETE FROM hot_grain_replies WHERE {Key}");

        // In order, each statement seeing the ones before: a state written twice in a group conflicts the second time.
        var outcomes = new WriteOutcome[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var write = group[i];
            var command = write.ExpectedVersion is null ? insert : update;
            Set(command, write);
            if (command.ExecuteScalar() is not long version)
            {
                outcomes[i] = WriteOutcome.Conflict(StoredVersion(stored, write));
                continue;
            }

            outcomes[i] = WriteOutcome.Written((int)version);
            KeepReplies(write, addReply, dropReply, dropReplies);
        }

        return outcomes;
    }

    /// <summary>The replies of a state just written: the new ones added, the forgotten ones (all, for a clear) deleted.</summary>
    private static void KeepReplies(StateWrite write, SqliteCommand add, SqliteCommand drop, SqliteCommand dropAll)
    {
        if (write.Payload is null)
        {
            Set(dropAll, write);
            dropAll.ExecuteNonQuery();
            return;
        }

        foreach (var key in write.DroppedReplies)
        {
            Set(drop, write);
            drop.Parameters["@reply_key"].Value = key;
            drop.ExecuteNonQuery();
        }

        foreach (var reply in write.AddedReplies)
        {
            Set(add, write);
            add.Parameters["@reply_key"].Value = reply.Key;
            add.Parameters["@payload"].Value = reply.Payload;
            add.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("@service_id", _serviceId);
        foreach (var name in new[] { "@state_name", "@grain_id", "@payload", "@expected", "@reply_key" }.Where(sql.Contains))
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, StateWrite write)
    {
        var parameters = command.Parameters;
        parameters["@state_name"].Value = write.StateName;
        parameters["@grain_id"].Value = write.GrainId;
        if (parameters.Contains("@payload"))
        {
            parameters["@payload"].Value = (object?)write.Payload ?? DBNull.Value;
        }

        if (parameters.Contains("@expected"))
        {
            parameters["@expected"].Value = (object?)write.ExpectedVersion ?? DBNull.Value;
        }
    }

    private static int? StoredVersion(SqliteCommand stored, StateWrite write)
    {
        Set(stored, write);
        return stored.ExecuteScalar() is long version ? (int)version : null;
    }
}
