using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.Grains;

/// <summary>
/// The meter <see cref="MeterName"/>: what the selections did (draws, backups, confirmations by the applicant or by the
/// system, lapses, exchanges, bookings), counted per office once it was stored, and the numbers each office's pool has
/// available and held per series. The pools publish their counts here (<see cref="PublishPool"/>) from their own
/// timer, so that a scrape reads memory and never calls a grain. One per silo process.
/// </summary>
public sealed class SelectionMetrics
{
    public const string MeterName = "PlateOrleans.Selection";

    private readonly ConcurrentDictionary<string, IReadOnlyList<SeriesCounts>> _pools = new(StringComparer.Ordinal);
    private readonly Counter<long> _draws;
    private readonly Counter<long> _backups;
    private readonly Counter<long> _confirmations;
    private readonly Counter<long> _lapses;
    private readonly Counter<long> _exchanges;
    private readonly Counter<long> _bookings;

    public SelectionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _draws = meter.CreateCounter<long>("plateorleans.selection.draws", "{draw}", "Batches drawn in formal selections.");
        _backups = meter.CreateCounter<long>("plateorleans.selection.backups", "{backup}", "Numbers kept as backups.");
        _confirmations = meter.CreateCounter<long>("plateorleans.selection.confirmations", "{confirmation}", "Numbers confirmed; by=user or auto (the draws ran out).");
        _lapses = meter.CreateCounter<long>("plateorleans.selection.lapses", "{lapse}", "Confirmed numbers not exchanged in time: released, the applicant blacklisted.");
        _exchanges = meter.CreateCounter<long>("plateorleans.selection.exchanges", "{exchange}", "Numbers exchanged at the window (issued).");
        _bookings = meter.CreateCounter<long>("plateorleans.selection.bookings", "{booking}", "Appointments booked for an exchange.");
        meter.CreateObservableGauge("plateorleans.pool.available", () => Observe(s => s.Available), "{number}", "Numbers an applicant may draw now, per office and series.");
        meter.CreateObservableGauge("plateorleans.pool.held", () => Observe(s => s.Held), "{number}", "Numbers shown in a batch or kept as a backup now, per office and series.");
    }

    /// <summary>Counts what a selection stored (call after the write succeeded).</summary>
    public void Count(string officeCode, IEnumerable<SelectionEvent> events)
    {
        var office = new KeyValuePair<string, object?>("office", officeCode);
        foreach (var e in events)
        {
            switch (e)
            {
                case SelectionEvent.Drew:
                    _draws.Add(1, office);
                    break;
                case SelectionEvent.BackedUp:
                    _backups.Add(1, office);
                    break;
                case SelectionEvent.Confirmed c:
                    _confirmations.Add(1, office, new("by", c.Selected.By == ConfirmedBy.Auto ? "auto" : "user"));
                    break;
                case SelectionEvent.Lapsed:
                    _lapses.Add(1, office);
                    break;
                case SelectionEvent.Exchanged:
                    _exchanges.Add(1, office);
                    break;
                case SelectionEvent.AppointmentChanged { Current: not null }:
                    // A place booked: a first booking or a move to another place.
                    _bookings.Add(1, office);
                    break;
            }
        }
    }

    /// <summary>The latest counts of an office's pool, replacing the previous ones.</summary>
    public void PublishPool(string officeCode, IReadOnlyList<SeriesCounts> counts) => _pools[officeCode] = counts;

    /// <summary>The office's pool is no longer in this process (its grain deactivated): its gauges go.</summary>
    public void RemovePool(string officeCode) => _pools.TryRemove(officeCode, out _);

    private IEnumerable<Measurement<int>> Observe(Func<SeriesCounts, int> value) =>
        _pools.SelectMany(pool => pool.Value.Select(series => new Measurement<int>(
            value(series),
            new("office", pool.Key),
            new("plateKind", series.PlateKind.ToString().ToLowerInvariant()),
            new("energyLetter", series.EnergyLetter.ToString()))));
}
