using System.Globalization;

namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// The two 18-character identity numbers of the platform: a resident ID number (GB 11643: division code, birth date,
/// sequence, check digit 0–9 or X) and a unit's unified social credit code (GB 32100: 17 characters of the
/// 31-character alphabet, then a check character).
/// </summary>
public static class IdNumbers
{
    public const int Length = 18;

    private static readonly int[] _personWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string PersonChecks = "10X98765432";

    private const string CreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] _creditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>
    /// Whether a resident ID number is well formed: a province's division code, a real birth date (not after
    /// <paramref name="today"/>, by default today's UTC date), the right check digit.
    /// </summary>
    public static bool IsValidPersonId(string? id, DateOnly? today = null)
    {
        if (id is not { Length: Length } || id.AsSpan(0, 17).IndexOfAnyExceptInRange('0', '9') >= 0 || !Provinces.IsDivisionPrefix(id.AsSpan(0, 2)))
        {
            return false;
        }

        if (!DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1900
            || birth > (today ?? DateOnly.FromDateTime(DateTime.UtcNow)))
        {
            return false;
        }

        return id[17] == PersonCheck(id);
    }

    /// <summary>The check character a resident ID number ends with.</summary>
    public static char PersonCheck(ReadOnlySpan<char> id)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * _personWeights[i];
        }

        return PersonChecks[sum % 11];
    }

    /// <summary>Whether a unified social credit code is well formed with the right check character.</summary>
    public static bool IsValidCreditCode(string? code)
    {
        if (code is not { Length: Length } || code.Any(c => CreditAlphabet.IndexOf(c) < 0))
        {
            return false;
        }

        return code[17] == CreditCheck(code);
    }

    /// <summary>The check character a unified social credit code ends with.</summary>
    public static char CreditCheck(ReadOnlySpan<char> code)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += CreditAlphabet.IndexOf(code[i]) * _creditWeights[i];
        }

        return CreditAlphabet[(31 - (sum % 31)) % 31];
    }

    /// <summary>Completes 17 characters with their check character (for demo data and tests).</summary>
    public static string PersonWithCheck(string first17) => first17 + PersonCheck(first17);

    /// <summary>Completes 17 characters with their check character (for demo data and tests).</summary>
    public static string CreditWithCheck(string first17) => first17 + CreditCheck(first17);
}
