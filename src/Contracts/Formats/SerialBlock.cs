namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// A published block of serials: a 6-character pattern in which <c>#</c> stands for any digit, e.g. <c>D0####</c>
/// (small NEV, 10,000 numbers) or <c>12###D</c> (large NEV, 1,000 numbers).
/// Numbers of a block are addressed by index: the digits of the index fill the <c>#</c> positions left to right.
/// A second index space addresses only the serials with no digit 4, so that "exclude 4" can be served directly.
/// </summary>
public sealed class SerialBlock
{
    public const int SerialLength = 6;
    public const char AnyDigit = '#';

    private readonly int[] _wildPositions;

    private SerialBlock(string pattern, PlateKind kind, char energyLetter, int[] wildPositions)
    {
        Pattern = pattern;
        PlateKind = kind;
        EnergyLetter = energyLetter;
        _wildPositions = wildPositions;
        Count = Pow(10, wildPositions.Length);
        NoFourCount = pattern.Contains('4') ? 0 : Pow(9, wildPositions.Length);
    }

    public string Pattern { get; }

    public PlateKind PlateKind { get; }

    public char EnergyLetter { get; }

    /// <summary>How many serials the block holds.</summary>
    public int Count { get; }

    /// <summary>How many of them have no digit 4.</summary>
    public int NoFourCount { get; }

    /// <summary>Parses a pattern and checks it against its plate kind and energy letter; the error says what is wrong.</summary>
    public static SerialBlock? TryParse(string pattern, PlateKind kind, char energyLetter, out string? error)
    {
        error = Check(pattern, kind, energyLetter);
        if (error is not null)
        {
            return null;
        }

        var wild = new List<int>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == AnyDigit)
            {
                wild.Add(i);
            }
        }

        return new SerialBlock(pattern, kind, energyLetter, [.. wild]);
    }

    private static string? Check(string pattern, PlateKind kind, char energyLetter)
    {
        if (pattern.Length != SerialLength)
        {
            return $"block '{pattern}' must have {SerialLength} characters";
        }

        if (EnergyLetters.KindOf(energyLetter) is null)
        {
            return $"'{energyLetter}' is not an energy letter (pure {EnergyLetters.Pure}, non-pure {EnergyLetters.NonPure})";
        }

        switch (kind)
        {
            case PlateKind.Small:
                if (pattern[0] != energyLetter)
                {
                    return $"small NEV block '{pattern}' must start with its energy letter {energyLetter}";
                }

                if (!IsDigitOrAny(pattern[1]) && !PlateSerials.IsSerialLetter(pattern[1]))
                {
                    return $"small NEV block '{pattern}': position 2 must be a letter (not I or O), a digit or #";
                }

                for (var i = 2; i < SerialLength; i++)
                {
                    if (!IsDigitOrAny(pattern[i]))
                    {
                        return $"small NEV block '{pattern}': positions 3 to 6 must be digits or #";
                    }
                }

                return null;
            case PlateKind.Large:
                for (var i = 0; i < SerialLength - 1; i++)
                {
                    if (!IsDigitOrAny(pattern[i]))
                    {
                        return $"large NEV block '{pattern}': positions 1 to 5 must be digits or #";
                    }
                }

                return pattern[SerialLength - 1] == energyLetter
                    ? null
                    : $"large NEV block '{pattern}' must end with its energy letter {energyLetter}";
            default:
                return $"plate kind {kind} has no NEV serials";
        }
    }

    private static bool IsDigitOrAny(char c) => c == AnyDigit || char.IsAsciiDigit(c);

    /// <summary>The serial at an index in [0, <see cref="Count"/>).</summary>
    public string SerialAt(int index) => Fill(index, 10, digit => (char)('0' + digit));

    /// <summary>The serial at an index in [0, <see cref="NoFourCount"/>) of the serials with no digit 4.</summary>
    public string NoFourSerialAt(int noFourIndex) => Fill(noFourIndex, 9, digit => (char)('0' + (digit < 4 ? digit : digit + 1)));

    private string Fill(int index, int radix, Func<int, char> digitChar)
    {
        Span<char> serial = stackalloc char[SerialLength];
        Pattern.AsSpan().CopyTo(serial);
        for (var w = _wildPositions.Length - 1; w >= 0; w--)
        {
            serial[_wildPositions[w]] = digitChar(index % radix);
            index /= radix;
        }

        return new string(serial);
    }

    /// <summary>Whether the serial at an index has a digit 4, without building it.</summary>
    public bool HasFourAt(int index)
    {
        if (NoFourCount == 0)
        {
            return true;
        }

        for (var w = 0; w < _wildPositions.Length; w++, index /= 10)
        {
            if (index % 10 == 4)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The index of a serial in this block, or -1 when the block does not hold it.</summary>
    public int IndexOf(ReadOnlySpan<char> serial)
    {
        if (serial.Length != SerialLength)
        {
            return -1;
        }

        var index = 0;
        for (var i = 0; i < SerialLength; i++)
        {
            if (Pattern[i] == AnyDigit)
            {
                if (!char.IsAsciiDigit(serial[i]))
                {
                    return -1;
                }

                index = (index * 10) + (serial[i] - '0');
            }
            else if (Pattern[i] != serial[i])
            {
                return -1;
            }
        }

        return index;
    }

    /// <summary>Whether some serial fits both patterns.</summary>
    public bool Overlaps(SerialBlock other)
    {
        for (var i = 0; i < SerialLength; i++)
        {
            var a = Pattern[i];
            var b = other.Pattern[i];
            if (a != b && a != AnyDigit && b != AnyDigit)
            {
                return false;
            }

            if ((a == AnyDigit && !char.IsAsciiDigit(b) && b != AnyDigit) || (b == AnyDigit && !char.IsAsciiDigit(a) && a != AnyDigit))
            {
                return false;
            }
        }

        return true;
    }

    private static int Pow(int radix, int exponent)
    {
        var result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= radix;
        }

        return result;
    }

    public override string ToString() => Pattern;
}
