using System.Globalization;

namespace PlateOrleans.Baseline.Domain;

/// <summary>The identifiers requests carry: VINs, ID numbers, unified social credit codes, phones, usernames.</summary>
public static class Identity
{
    private static readonly int[] _vinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    private static readonly int[] _personWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string PersonChecks = "10X98765432";
    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] _creditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>17 characters of a VIN (no I, O, Q), check digit not checked.</summary>
    public static bool IsWellFormedVin(string? vin) => vin is { Length: 17 } && vin.All(c => VinValue(c) >= 0);

    /// <summary>A VIN with the right check digit in position 9.</summary>
    public static bool IsValidVin(string? vin)
    {
        if (!IsWellFormedVin(vin))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += VinValue(vin![i]) * _vinWeights[i];
        }

        var r = sum % 11;
        return vin![8] == (r == 10 ? 'X' : (char)('0' + r));
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
        _ => -1,
    };

    /// <summary>A resident ID number: a province's division code, a real birth date, the right check digit.</summary>
    public static bool IsValidPersonId(string? id)
    {
        if (id is not { Length: 18 } || id.AsSpan(0, 17).IndexOfAnyExceptInRange('0', '9') >= 0 || !Provinces.IsDivisionPrefix(id[..2]))
        {
            return false;
        }

        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900 || birth > DateOnly.FromDateTime(DateTime.UtcNow))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * _personWeights[i];
        }

        return id[17] == PersonChecks[sum % 11];
    }

    /// <summary>A unit's unified social credit code with the right check character.</summary>
    public static bool IsValidCreditCode(string? code)
    {
        if (code is not { Length: 18 } || code.Any(c => CreditAlphabet.IndexOf(c) < 0))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditAlphabet.IndexOf(code[i]) * _creditWeights[i];
        }

        return code[17] == CreditAlphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>11 digits starting with 1.</summary>
    public static bool IsPhone(string? phone) => phone is { Length: 11 } && phone[0] == '1' && phone.All(char.IsAsciiDigit);

    /// <summary>138****0000.</summary>
    public static string MaskPhone(string? phone) => phone is { Length: 11 } ? $"{phone[..3]}****{phone[7..]}" : "****";

    /// <summary>3 to 32 letters, digits, underscores, dots or hyphens.</summary>
    public static bool IsUsername(string? username) =>
        username is { Length: >= 3 and <= 32 } && username.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    public static bool IsPassword(string? password) => password is { Length: >= 8 and <= 64 };

    /// <summary>A 6-digit administrative division code.</summary>
    public static bool IsOfficeCode(string? code) => code is { Length: 6 } && code.All(char.IsAsciiDigit);
}
