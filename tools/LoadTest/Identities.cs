namespace PlateOrleans.LoadTest;

/// <summary>
/// Check characters of the made-up citizens and cars: a resident ID number's (GB 11643) and a VIN's (GB 16735). The
/// tool keeps its own few lines of them rather than reference the server's code: it speaks to servers only over HTTP.
/// </summary>
public static class Identities
{
    private static readonly int[] _idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private static readonly int[] _vinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    /// <summary>17 digits (division code, birth date yyyyMMdd, sequence) completed with their check character.</summary>
    public static string PersonId(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * _idWeights[i];
        }

        return first17 + "10X98765432"[sum % 11];
    }

    /// <summary>17 VIN characters (digits and capitals without I, O, Q) with the 9th replaced by the check digit.</summary>
    public static string Vin(string vin17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += VinValue(vin17[i]) * _vinWeights[i];
        }

        var check = sum % 11 == 10 ? 'X' : (char)('0' + (sum % 11));
        return string.Concat(vin17.AsSpan(0, 8), [check], vin17.AsSpan(9));
    }

    private static int VinValue(char c) => c switch
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
        _ => throw new ArgumentException($"'{c}' is not a VIN character."),
    };
}
