namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// NEV plate numbers (GA 36-2018): 8 characters, the office prefix (province character and office letter) then a
/// 6-character serial. Small NEV: energy letter, a letter or digit, four digits (冀AD12345, 冀ADA1234).
/// Large NEV: five digits, then the energy letter (冀A12345D). Letters I and O never appear.
/// </summary>
public static class PlateSerials
{
    public const int PlateLength = 8;

    /// <summary>A letter that may appear in a serial: A–Z without I and O.</summary>
    public static bool IsSerialLetter(char c) => c is >= 'A' and <= 'Z' and not 'I' and not 'O';

    /// <summary>Whether a prefix such as 冀A is a province character and an office letter that province uses.</summary>
    public static bool IsValidPrefix(string prefix) =>
        prefix.Length == 2 && Provinces.AllowsOfficeLetter(prefix[0], prefix[1]);

    /// <summary>The plate kind and energy letter of a NEV serial, or null when it is not one.</summary>
    public static (PlateKind Kind, char EnergyLetter)? ClassifySerial(ReadOnlySpan<char> serial)
    {
        if (serial.Length != SerialBlock.SerialLength)
        {
            return null;
        }

        if (EnergyLetters.KindOf(serial[0]) is not null
            && (char.IsAsciiDigit(serial[1]) || IsSerialLetter(serial[1]))
            && AllDigits(serial[2..]))
        {
            return (PlateKind.Small, serial[0]);
        }

        if (AllDigits(serial[..5]) && EnergyLetters.KindOf(serial[5]) is not null)
        {
            return (PlateKind.Large, serial[5]);
        }

        return null;
    }

    /// <summary>Splits an 8-character NEV plate into prefix and serial, or null when it is not one.</summary>
    public static (string Prefix, string Serial, PlateKind Kind, char EnergyLetter)? Parse(string? plate)
    {
        if (plate is null || plate.Length != PlateLength || !IsValidPrefix(plate[..2]))
        {
            return null;
        }

        var serial = plate[2..];
        return ClassifySerial(serial) is { } c ? (plate[..2], serial, c.Kind, c.EnergyLetter) : null;
    }

    /// <summary>Whether a string is a well-formed NEV plate number.</summary>
    public static bool IsNevPlate(string? plate) => Parse(plate) is not null;

    /// <summary>
    /// Whether a string looks like a current (pre-exchange) plate: the prefix of a province and office, then five or
    /// six letters and digits (ordinary plates have five, NEV plates six).
    /// </summary>
    public static bool IsPlausibleCurrentPlate(string? plate) =>
        plate is { Length: 7 or 8 }
        && IsValidPrefix(plate[..2])
        && plate.AsSpan(2).IndexOfAnyExcept(SerialChars) < 0;

    private static readonly System.Buffers.SearchValues<char> SerialChars =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ");

    /// <summary>Whether a serial contains the digit 4.</summary>
    public static bool HasFour(ReadOnlySpan<char> serial) => serial.Contains('4');

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
