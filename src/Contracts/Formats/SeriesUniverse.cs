namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// Every published number of one series (plate kind and energy letter) of an office, as one index space made of its
/// blocks laid end to end. The allocator works on indices; this turns them into serials and back.
/// </summary>
public sealed class SeriesUniverse
{
    private readonly SerialBlock[] _blocks;
    private readonly int[] _starts;
    private readonly int[] _noFourStarts;

    private SeriesUniverse(PlateKind kind, char energyLetter, SerialBlock[] blocks)
    {
        PlateKind = kind;
        EnergyLetter = energyLetter;
        _blocks = blocks;
        _starts = new int[blocks.Length];
        _noFourStarts = new int[blocks.Length];
        long total = 0, noFour = 0;
        for (var i = 0; i < blocks.Length; i++)
        {
            _starts[i] = (int)total;
            _noFourStarts[i] = (int)noFour;
            total += blocks[i].Count;
            noFour += blocks[i].NoFourCount;
        }

        Total = (int)total;
        NoFourTotal = (int)noFour;
    }

    public PlateKind PlateKind { get; }

    public char EnergyLetter { get; }

    public IReadOnlyList<SerialBlock> Blocks => _blocks;

    public int Total { get; }

    public int NoFourTotal { get; }

    /// <summary>Checks the blocks of a series (each fits the kind and letter, none overlaps another) and lays them out.</summary>
    public static SeriesUniverse? TryCreate(SeriesBlocks series, out string? error)
    {
        if (series.PlateKind is not (PlateKind.Small or PlateKind.Large))
        {
            error = $"plate kind {series.PlateKind} has no NEV serials: only small and large";
            return null;
        }

        if (series.Blocks.Count == 0)
        {
            error = "a series needs at least one block";
            return null;
        }

        // Blocks may not overlap, so a series holds at most every serial of its kind: 340,000 small (D##### and
        // DA#### to DZ####) or 100,000 large numbers. That bounds a pool's memory without a limit of its own.
        var blocks = new List<SerialBlock>(series.Blocks.Count);
        foreach (var pattern in series.Blocks)
        {
            var block = SerialBlock.TryParse(pattern ?? "", series.PlateKind, series.EnergyLetter, out error);
            if (block is null)
            {
                return null;
            }

            if (blocks.FirstOrDefault(b => b.Overlaps(block)) is { } other)
            {
                error = $"block '{block.Pattern}' overlaps block '{other.Pattern}'";
                return null;
            }

            blocks.Add(block);
        }

        error = null;
        return new SeriesUniverse(series.PlateKind, series.EnergyLetter, [.. blocks]);
    }

    /// <summary>The serial at an index in [0, <see cref="Total"/>).</summary>
    public string SerialAt(int index)
    {
        var b = BlockOf(_starts, index);
        return _blocks[b].SerialAt(index - _starts[b]);
    }

    /// <summary>Which block (its position in <see cref="Blocks"/>) the number at an index belongs to.</summary>
    public int BlockIndexOf(int index) => _blocks.Length == 1 ? 0 : BlockOf(_starts, index);

    /// <summary>The serial at an index of the no-4 space, in [0, <see cref="NoFourTotal"/>).</summary>
    public string NoFourSerialAt(int noFourIndex)
    {
        var b = BlockOf(_noFourStarts, noFourIndex);
        return _blocks[b].NoFourSerialAt(noFourIndex - _noFourStarts[b]);
    }

    /// <summary>The indices of every serial with no digit 4, in order.</summary>
    public IEnumerable<int> NoFourIndices()
    {
        for (var b = 0; b < _blocks.Length; b++)
        {
            if (_blocks[b].NoFourCount == 0)
            {
                continue;
            }

            for (var i = 0; i < _blocks[b].Count; i++)
            {
                if (!_blocks[b].HasFourAt(i))
                {
                    yield return _starts[b] + i;
                }
            }
        }
    }

    /// <summary>Whether the serial at an index has a digit 4.</summary>
    public bool HasFourAt(int index)
    {
        var b = BlockOf(_starts, index);
        return _blocks[b].HasFourAt(index - _starts[b]);
    }

    /// <summary>The index of a serial, or -1 when the series does not publish it.</summary>
    public int IndexOf(ReadOnlySpan<char> serial)
    {
        for (var b = 0; b < _blocks.Length; b++)
        {
            var i = _blocks[b].IndexOf(serial);
            if (i >= 0)
            {
                return _starts[b] + i;
            }
        }

        return -1;
    }

    private static int BlockOf(int[] starts, int index)
    {
        var b = Array.BinarySearch(starts, index);
        if (b < 0)
        {
            b = ~b - 1;
        }

        // Blocks with no no-4 numbers share a start with the next block: take the last block starting there.
        while (b + 1 < starts.Length && starts[b + 1] == index)
        {
            b++;
        }

        return b;
    }
}
