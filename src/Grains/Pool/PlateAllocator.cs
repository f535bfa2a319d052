using System.Diagnostics.CodeAnalysis;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Grains.Pool;

/// <summary>Where a number of the pool stands.</summary>
public enum NumberState : byte
{
    Available,
    Held,
    Reserved,
    Issued,
}

/// <summary>How a reservation attempt went.</summary>
public enum ReserveStatus
{
    /// <summary>The number is now reserved for the vehicle.</summary>
    Reserved,
    /// <summary>The vehicle already had it reserved (a retry).</summary>
    AlreadyReserved,
    /// <summary>Someone else holds, reserved or was issued the number.</summary>
    Unavailable,
    /// <summary>The office does not publish this number.</summary>
    NotPublished,
}

/// <summary>The outcome of <see cref="PlateAllocator.TryReserve"/>, with what it takes to undo it.</summary>
public readonly record struct ReserveAttempt(ReserveStatus Status, DateTimeOffset? PriorHoldUntil = null);

/// <summary>
/// The allocator of one office's pool: every published number of each series is available, held, reserved or issued.
/// Available numbers sit in two bags per series (all of them, and those with no digit 4), kept in step, so a uniform draw
/// is O(1) with or without "exclude 4" whatever the pool's size. Holds carry an expiry and come back lazily through a
/// min-heap swept at every call. Plain and single-threaded: the pool grain owns one and calls it within its turns.
/// </summary>
public sealed class PlateAllocator
{
    private readonly List<SeriesPool> _series = [];
    private readonly Dictionary<(PlateKind, char), SeriesPool> _byKey = [];
    private readonly PriorityQueue<(SeriesPool Series, int Index, long Version), long> _expiries = new();
    private readonly IRandomSource _random;
    private long _version;

    public PlateAllocator(string prefix, PoolPublication publication, IRandomSource random)
    {
        Prefix = prefix;
        _random = random;
        foreach (var series in publication.Series)
        {
            var universe = SeriesUniverse.TryCreate(series, out var error)
                ?? throw new ArgumentException($"Invalid publication: {error}", nameof(publication));
            var pool = new SeriesPool(universe);
            _series.Add(pool);
            _byKey[(universe.PlateKind, universe.EnergyLetter)] = pool;
        }
    }

    /// <summary>The office prefix every number starts with, e.g. 冀A.</summary>
    public string Prefix { get; }

    /// <summary>
    /// Marks a number reserved or issued for a vehicle (from the ledger, on rebuild), replacing whatever it was, so
    /// loading the same row twice changes nothing. Numbers outside the publication are ignored.
    /// </summary>
    public void LoadAssigned(string plate, string vin, bool issued)
    {
        if (TryLocate(plate, out var series, out var index))
        {
            Assign(series, index, vin, issued);
        }
    }

    /// <summary>
    /// Draws up to <paramref name="count"/> distinct available numbers for a vehicle of this kind and energy, from the
    /// first series in opening order (D before A, ...) that has any, and holds them until <paramref name="holdUntil"/>.
    /// Fewer only when the pool has fewer; none when it is empty.
    /// </summary>
    public IReadOnlyList<string> Draw(string holder, PlateKind kind, EnergyKind energy, int count, bool excludeFour, DateTimeOffset holdUntil, DateTimeOffset now)
    {
        Sweep(now);
        var plates = new List<string>(count);
        foreach (var letter in EnergyLetters.For(energy))
        {
            if (plates.Count == count)
            {
                break;
            }

            if (!_byKey.TryGetValue((kind, letter), out var series))
            {
                continue;
            }

            var bag = excludeFour ? series.NoFour : series.All;
            while (plates.Count < count && bag.Count > 0)
            {
                var index = bag.TakeRandom(_random);
                series.Take(index);
                PlaceHold(series, index, holder, holdUntil);
                plates.Add(Prefix + series.Universe.SerialAt(index));
            }
        }

        return plates;
    }

    /// <summary>
    /// Holds numbers for a holder until a moment: extends the holds it has, and takes again those that lapsed and are
    /// still available. Answers the numbers it holds now; the others went to someone else.
    /// </summary>
    public IReadOnlyList<string> Hold(string holder, IEnumerable<string> plates, DateTimeOffset until, DateTimeOffset now)
    {
        Sweep(now);
        var held = new List<string>();
        foreach (var plate in plates)
        {
            if (!TryLocate(plate, out var series, out var index))
            {
                continue;
            }

            var state = series.States[index];
            if ((state == NumberState.Held && series.Holds[index].Holder == holder) || state == NumberState.Available)
            {
                series.Take(index);
                PlaceHold(series, index, holder, until);
                held.Add(plate);
            }
        }

        return held;
    }

    /// <summary>Gives back the numbers this holder holds; others are left alone.</summary>
    public void Release(string holder, IEnumerable<string> plates, DateTimeOffset now)
    {
        Sweep(now);
        foreach (var plate in plates)
        {
            if (TryLocate(plate, out var series, out var index)
                && series.States[index] == NumberState.Held
                && series.Holds[index].Holder == holder)
            {
                series.MakeAvailable(index);
            }
        }
    }

    /// <summary>
    /// Reserves a number for a vehicle if the vehicle holds it or nobody does. The ledger write comes after;
    /// if it fails, <see cref="UndoReserve"/> puts the number back as it was.
    /// </summary>
    public ReserveAttempt TryReserve(string vin, string plate, DateTimeOffset now)
    {
        Sweep(now);
        if (!TryLocate(plate, out var series, out var index))
        {
            return new(ReserveStatus.NotPublished);
        }

        switch (series.States[index])
        {
            case NumberState.Reserved or NumberState.Issued:
                return new(series.Owners[index] == vin ? ReserveStatus.AlreadyReserved : ReserveStatus.Unavailable);
            case NumberState.Held when series.Holds[index].Holder != vin:
                return new(ReserveStatus.Unavailable);
            case NumberState.Held:
                var prior = new DateTimeOffset(series.Holds[index].ExpiresAt, TimeSpan.Zero);
                series.Take(index);
                series.Assign(index, vin, NumberState.Reserved);
                return new(ReserveStatus.Reserved, prior);
            default:
                series.Take(index);
                series.Assign(index, vin, NumberState.Reserved);
                return new(ReserveStatus.Reserved);
        }
    }

    /// <summary>Takes back a reservation the ledger refused or could not write: held again as before, or available.</summary>
    public void UndoReserve(string vin, string plate, DateTimeOffset? priorHoldUntil, DateTimeOffset now)
    {
        if (!TryLocate(plate, out var series, out var index)
            || series.States[index] != NumberState.Reserved
            || series.Owners[index] != vin)
        {
            return;
        }

        series.Unassign(index);
        if (priorHoldUntil > now)
        {
            PlaceHold(series, index, vin, priorHoldUntil.Value);
        }
        else
        {
            series.MakeAvailable(index);
        }
    }

    /// <summary>Who has a number reserved or issued, and whether it is issued; null when nobody (or not published).</summary>
    public (string Vin, bool Issued)? AssigneeOf(string plate) =>
        TryLocate(plate, out var series, out var index) && series.Owners.TryGetValue(index, out var vin)
            ? (vin, series.States[index] == NumberState.Issued)
            : null;

    /// <summary>Ends a vehicle's reservation (its exchange deadline passed): the number is available again. Issued numbers stay.</summary>
    public void ReleaseReserved(string vin, string plate)
    {
        if (TryLocate(plate, out var series, out var index)
            && series.States[index] == NumberState.Reserved
            && series.Owners[index] == vin)
        {
            series.Unassign(index);
            series.MakeAvailable(index);
        }
    }

    /// <summary>Records that the ledger gave this number to another vehicle (seen when a write conflicts).</summary>
    public void ForceAssigned(string plate, string vin, bool issued) => LoadAssigned(plate, vin, issued);

    private static void Assign(SeriesPool series, int index, string vin, bool issued)
    {
        if (series.States[index] is NumberState.Reserved or NumberState.Issued)
        {
            series.Unassign(index);
        }

        series.Take(index);
        series.Assign(index, vin, issued ? NumberState.Issued : NumberState.Reserved);
    }

    /// <summary>The state of a number, or null when the office does not publish it.</summary>
    public NumberState? StateOf(string plate, DateTimeOffset now)
    {
        Sweep(now);
        return TryLocate(plate, out var series, out var index) ? series.States[index] : null;
    }

    /// <summary>Who holds a number now, if anyone.</summary>
    public string? HolderOf(string plate, DateTimeOffset now) =>
        StateOf(plate, now) == NumberState.Held && TryLocate(plate, out var series, out var index) ? series.Holds[index].Holder : null;

    /// <summary>Every hold still running, as (holder, plate, until): to carry them over a republication.</summary>
    public IEnumerable<(string Holder, string Plate, DateTimeOffset Until)> Holds(DateTimeOffset now)
    {
        Sweep(now);
        return _series.SelectMany(s => s.Holds.Select(h =>
            (h.Value.Holder, Prefix + s.Universe.SerialAt(h.Key), new DateTimeOffset(h.Value.ExpiresAt, TimeSpan.Zero)))).ToList();
    }

    /// <summary>Every reserved or issued number, as (plate, VIN, issued).</summary>
    public IEnumerable<(string Plate, string Vin, bool Issued)> Assigned() =>
        _series.SelectMany(s => s.Owners.Select(o =>
            (Prefix + s.Universe.SerialAt(o.Key), o.Value, s.States[o.Key] == NumberState.Issued))).ToList();

    /// <summary>Live counts per series and per block, in publication order: read from counters, no scan of the numbers.</summary>
    public IReadOnlyList<SeriesCounts> Counts(DateTimeOffset now)
    {
        Sweep(now);
        return _series.Select(s => new SeriesCounts(
            s.Universe.PlateKind,
            s.Universe.EnergyLetter,
            [.. s.Universe.Blocks.Select(b => b.Pattern)],
            s.Universe.Total,
            s.All.Count,
            s.Holds.Count,
            s.ReservedCount,
            s.IssuedCount,
            s.BlockCounts())).ToList();
    }

    /// <summary>Returns every hold that lapsed by <paramref name="now"/> to the bags.</summary>
    public void Sweep(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        while (_expiries.TryPeek(out var entry, out var expiresAt) && expiresAt <= ticks)
        {
            _expiries.Dequeue();
            var (series, index, version) = entry;
            if (series.States[index] == NumberState.Held && series.Holds[index].Version == version)
            {
                series.MakeAvailable(index);
            }
        }
    }

    private void PlaceHold(SeriesPool series, int index, string holder, DateTimeOffset until)
    {
        var version = ++_version;
        series.SetState(index, NumberState.Held);
        series.Holds[index] = new HoldEntry(holder, until.UtcTicks, version);
        _expiries.Enqueue((series, index, version), until.UtcTicks);
    }

    private bool TryLocate(string plate, [NotNullWhen(true)] out SeriesPool? series, out int index)
    {
        series = null;
        index = -1;
        if (plate is not { Length: PlateSerials.PlateLength } || !plate.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var serial = plate.AsSpan(2);
        if (PlateSerials.ClassifySerial(serial) is not { } key || !_byKey.TryGetValue(key, out series))
        {
            return false;
        }

        index = series.Universe.IndexOf(serial);
        return index >= 0;
    }

    private readonly record struct HoldEntry(string Holder, long ExpiresAt, long Version);

    /// <summary>The numbers of one series and where each stands.</summary>
    private sealed class SeriesPool
    {
        private const int StateCount = 4;

        // Which block each number belongs to, when there is more than one block and at most 256 (the API allows 100):
        // one byte a number makes the block of a number O(1) on the draw path. More blocks fall back to a binary search.
        private readonly byte[]? _blockAt;

        // How many numbers of each block stand in each state: [block * StateCount + (int)state]. Every change of a
        // number's state goes through SetState, which moves one count: O(1), so the publication reads counters only.
        private readonly int[] _blockCounts;

        public SeriesPool(SeriesUniverse universe)
        {
            Universe = universe;
            States = new NumberState[universe.Total];
            var blocks = universe.Blocks;
            _blockCounts = new int[blocks.Count * StateCount];
            for (var b = 0; b < blocks.Count; b++)
            {
                _blockCounts[(b * StateCount) + (int)NumberState.Available] = blocks[b].Count;
            }

            if (blocks.Count is > 1 and <= byte.MaxValue + 1)
            {
                _blockAt = new byte[universe.Total];
                for (int b = 0, start = 0; b < blocks.Count; start += blocks[b].Count, b++)
                {
                    _blockAt.AsSpan(start, blocks[b].Count).Fill((byte)b);
                }
            }

            All = new IndexBag(universe.Total, universe.Total);
            NoFour = new IndexBag(universe.Total, universe.NoFourTotal);
            for (var i = 0; i < universe.Total; i++)
            {
                All.Add(i);
            }

            foreach (var i in universe.NoFourIndices())
            {
                NoFour.Add(i);
            }
        }

        public SeriesUniverse Universe { get; }

        public NumberState[] States { get; }

        public IndexBag All { get; }

        public IndexBag NoFour { get; }

        public Dictionary<int, HoldEntry> Holds { get; } = [];

        /// <summary>The VIN each reserved or issued number belongs to.</summary>
        public Dictionary<int, string> Owners { get; } = [];

        public int ReservedCount { get; private set; }

        public int IssuedCount { get; private set; }

        /// <summary>Takes an available or held number out of the bags and its hold (the caller sets what it becomes).</summary>
        public void Take(int index)
        {
            All.Remove(index);
            NoFour.Remove(index);
            Holds.Remove(index);
        }

        /// <summary>Sets where a number stands, and moves its block's count from the old state to the new one.</summary>
        public void SetState(int index, NumberState state)
        {
            var block = _blockAt is { } blockAt ? blockAt[index] : Universe.BlockIndexOf(index);
            _blockCounts[(block * StateCount) + (int)States[index]]--;
            _blockCounts[(block * StateCount) + (int)state]++;
            States[index] = state;
        }

        /// <summary>The counts of every block, in publication order.</summary>
        public IReadOnlyList<BlockCounts> BlockCounts()
        {
            var blocks = Universe.Blocks;
            var counts = new BlockCounts[blocks.Count];
            for (var b = 0; b < blocks.Count; b++)
            {
                var at = b * StateCount;
                counts[b] = new BlockCounts(
                    blocks[b].Pattern,
                    blocks[b].Count,
                    _blockCounts[at + (int)NumberState.Available],
                    _blockCounts[at + (int)NumberState.Held],
                    _blockCounts[at + (int)NumberState.Reserved],
                    _blockCounts[at + (int)NumberState.Issued]);
            }

            return counts;
        }

        public void MakeAvailable(int index)
        {
            Holds.Remove(index);
            SetState(index, NumberState.Available);
            All.Add(index);
            if (!Universe.HasFourAt(index))
            {
                NoFour.Add(index);
            }
        }

        public void Assign(int index, string vin, NumberState state)
        {
            SetState(index, state);
            Owners[index] = vin;
            if (state == NumberState.Issued)
            {
                IssuedCount++;
            }
            else
            {
                ReservedCount++;
            }
        }

        public void Unassign(int index)
        {
            if (States[index] == NumberState.Issued)
            {
                IssuedCount--;
            }
            else
            {
                ReservedCount--;
            }

            Owners.Remove(index);
        }
    }
}
