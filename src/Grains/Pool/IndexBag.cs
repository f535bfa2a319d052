namespace PlateOrleans.Grains.Pool;

/// <summary>
/// A set of indices of a series with O(1) add, remove and uniform random take: the members sit packed in an array and
/// a position map says where each one is, so a removal swaps the last member into the hole.
/// </summary>
internal sealed class IndexBag
{
    private readonly int[] _items;
    private readonly int[] _positions;

    /// <param name="universe">Indices range over [0, universe).</param>
    /// <param name="capacity">At most this many are members at once.</param>
    public IndexBag(int universe, int capacity)
    {
        _items = new int[capacity];
        _positions = new int[universe];
        Array.Fill(_positions, -1);
    }

    public int Count { get; private set; }

    public bool Contains(int index) => _positions[index] >= 0;

    public void Add(int index)
    {
        if (_positions[index] >= 0)
        {
            return;
        }

        _items[Count] = index;
        _positions[index] = Count++;
    }

    public bool Remove(int index)
    {
        var position = _positions[index];
        if (position < 0)
        {
            return false;
        }

        var last = _items[--Count];
        _items[position] = last;
        _positions[last] = position;
        _positions[index] = -1;
        return true;
    }

    /// <summary>Removes and returns a uniformly chosen member; the bag must not be empty.</summary>
    public int TakeRandom(IRandomSource random)
    {
        var index = _items[random.Next(Count)];
        Remove(index);
        return index;
    }
}
