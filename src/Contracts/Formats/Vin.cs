namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// Vehicle identification numbers (GB 16735, ISO 3779): 17 characters, digits and capital letters without I, O, Q,
/// the 9th a check digit over the others (0–9 or X).
/// </summary>
public static class Vin
{
    public const int Length = 17;

    private static readonly int[] _weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>Whether the characters are those of a VIN, without checking the check digit (to tell a typo from a stranger).</summary>
    public static bool IsWellFormed(string? vin) =>
        vin is { Length: Length } && vin.All(c => Value(c) >= 0);

    /// <summary>Whether the VIN is well formed and its check digit is right.</summary>
    public static bool IsValid(string? vin) => IsWellFormed(vin) && vin![8] == CheckDigit(vin);

    /// <summary>The check digit the 9th position must hold.</summary>
    public static char CheckDigit(ReadOnlySpan<char> vin)
    {
        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            sum += Value(vin[i]) * _weights[i];
        }

        var r = sum % 11;
        return r == 10 ? 'X' : (char)('0' + r);
    }

    /// <summary>Replaces the 9th character with the right check digit (for demo data and tests).</summary>
    public static string WithCheckDigit(string vin17)
    {
        var chars = vin17.ToCharArray();
        chars[8] = '0';
        chars[8] = CheckDigit(chars);
        return new string(chars);
    }

    private static int Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        'A' or 'J' => 1,
        'B' or 'K' or 'S' => 2,
        'C' or 'L' or 'T' => 3,
        'D' or 'M' or 'U' => 4,
        'E' or 'N' or 'V' => 5,
        'F' or 'W' => 6,
        'G' or 'P' or 'X' => 7,
        'H' or 'Y' => 8,
        'R' or 'Z' => 9,
        _ => -1,
    };
}
