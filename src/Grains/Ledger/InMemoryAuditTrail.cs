using System.Collections.Concurrent;

namespace PlateOrleans.Grains.Ledger;

/// <summary>The audit trail kept in process memory, for the in-memory storage mode and grain tests.</summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    private readonly ConcurrentQueue<AuditEvent> _events = new();

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        _events.Enqueue(auditEvent);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEvent>> ReadByVinAsync(string vin, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AuditEvent>>([.. _events.Where(e => e.Vin == vin).OrderBy(e => e.At)]);
}
