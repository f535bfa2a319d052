namespace PlateOrleans.Silo.Storage;

/// <summary>
/// The table under <see cref="GroupCommitGrainStorage"/>: reads one state straight from the database, and queues
/// writes that it commits in groups (every write pending at a moment, in one transaction), completing each caller
/// only after its group committed. A write that names the wrong version fails alone; a group that fails (the database
/// did not answer, a statement failed) fails all of its callers and none of the next group's.
/// </summary>
internal abstract class GroupCommitStore : IAsyncDisposable
{
    /// <summary>The most writes one group carries.</summary>
    public const int MaxGroupSize = 1000;

    private long _groupsStarted;
    private long _groupsCommitted;
    private long _writesCommitted;

    /// <summary>The store of the configured database; <see cref="StorageOptions.Timeout"/> bounds every wait.</summary>
    public static GroupCommitStore Create(StorageOptions options, string serviceId) => options.Provider switch
    {
        StorageProvider.PostgreSql => new PostgreSqlGroupCommitStore(options.ResolveConnectionString(), serviceId),
        StorageProvider.Sqlite => new SqliteGroupCommitStore(options.ResolveConnectionString(), options.TimeoutSeconds, serviceId),
        _ => throw new InvalidOperationException($"The {options.Provider} storage keeps grain state in memory."),
    };

    /// <summary>Groups whose transaction began (committed or not).</summary>
    public long GroupsStarted => Interlocked.Read(ref _groupsStarted);

    /// <summary>Groups whose transaction committed.</summary>
    public long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

    /// <summary>Writes (and clears) in committed groups, conflicts included.</summary>
    public long WritesCommitted => Interlocked.Read(ref _writesCommitted);

    /// <summary>The stored state, or null when it was never written.</summary>
    public abstract Task<StoredState?> ReadAsync(string stateName, string grainId, CancellationToken cancellationToken = default);

    /// <summary>Queues a write (a clear has no payload); completes once its group committed.</summary>
    public abstract Task<WriteOutcome> WriteAsync(StateWrite write);

    /// <summary>Commits what is queued, then stops taking writes. Safe to call twice.</summary>
    public abstract ValueTask DisposeAsync();

    private protected void GroupStarted() => Interlocked.Increment(ref _groupsStarted);

    /// <summary>Counts a committed group; call before completing its callers, so that they see it counted.</summary>
    private protected void GroupCommitted(int writes)
    {
        Interlocked.Add(ref _writesCommitted, writes);
        Interlocked.Increment(ref _groupsCommitted);
    }
}

/// <summary>
/// One write: the payload (null to clear) and the version it replaces (null: "never written"); with it, in the same
/// transaction and only if it is written, the replies kept apart that are new (or replaced) and those forgotten. A clear
/// forgets them all.
/// </summary>
internal sealed record StateWrite(string StateName, string GrainId, byte[]? Payload, int? ExpectedVersion)
{
    public IReadOnlyList<KeptReply> AddedReplies { get; init; } = [];

    public IReadOnlyList<string> DroppedReplies { get; init; } = [];
}

/// <summary>A reply kept apart from its state: its key and its serialized form.</summary>
internal sealed record KeptReply(string Key, byte[] Payload);

/// <summary>What a write did: its new version, or null on a version conflict, with the version stored then (if any).</summary>
internal readonly record struct WriteOutcome(int? NewVersion, int? StoredVersion)
{
    public static WriteOutcome Written(int version) => new(version, null);

    public static WriteOutcome Conflict(int? stored) => new(null, stored);
}

/// <summary>A stored state: its payload (null once cleared), version, and the replies kept apart from it.</summary>
internal sealed record StoredState(byte[]? Payload, int Version, IReadOnlyList<byte[]> Replies);
