using System.Collections.Concurrent;
using PlateOrleans.Contracts;

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

    public Task<IReadOnlyList<AuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AuditEvent>>([.. _events
            .Select((e, order) => (Event: e, Order: order))
            .Where(x => (query.OfficeCode is null || x.Event.OfficeCode == query.OfficeCode)
                && (query.Actor is null || x.Event.Actor == query.Actor)
                && (query.Kinds.Count == 0 || query.Kinds.Contains(x.Event.Kind))
                && (query.Before is null || x.Event.At < query.Before))
            .OrderByDescending(x => x.Event.At).ThenByDescending(x => x.Order)
            .Take(query.Limit)
            .Select(x => x.Event)]);
}
