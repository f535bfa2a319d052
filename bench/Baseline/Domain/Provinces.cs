using System.Collections.Frozen;

namespace PlateOrleans.Baseline.Domain;

/// <summary>Province plate characters, the first two digits of their division codes, and the office letters each uses.</summary>
public static class Provinces
{
    private static readonly (char Character, string Division, string Letters)[] _all =
    [
        ('京', "11", "ABCDEFGHJKLMNPQY"), ('津', "12", "ABCDEFGHJKLMNQR"), ('冀', "13", "ABCDEFGHJRT"),
        ('晋', "14", "ABCDEFHJKLM"), ('蒙', "15", "ABCDEFGHJKLM"), ('辽', "21", "ABCDEFGHJKLMNP"),
        ('吉', "22", "ABCDEFGHJK"), ('黑', "23", "ABCDEFGHJKLMNPR"), ('沪', "31", "ABCDEFGHJKLMNR"),
        ('苏', "32", "ABCDEFGHJKLMN"), ('浙', "33", "ABCDEFGHJKL"), ('皖', "34", "ABCDEFGHJKLMNPRS"),
        ('闽', "35", "ABCDEFGHJK"), ('赣', "36", "ABCDEFGHJKLM"), ('鲁', "37", "ABCDEFGHJKLMNPQRSUVY"),
        ('豫', "41", "ABCDEFGHJKLMNPQRSU"), ('鄂', "42", "ABCDEFGHJKLMNPQRS"), ('湘', "43", "ABCDEFGHJKLMNSU"),
        ('粤', "44", "ABCDEFGHJKLMNPQRSTUVWXYZ"), ('桂', "45", "ABCDEFGHJKLMNPR"), ('琼', "46", "ABCDEF"),
        ('渝', "50", "ABCDFGH"), ('川', "51", "ABCDEFHJKLMQRSTUVWXYZ"), ('贵', "52", "ABCDEFGHJ"),
        ('云', "53", "ACDEFGHJKLMNPQRS"), ('藏', "54", "ABCDEFGJ"), ('陕', "61", "ABCDEFGHJKUV"),
        ('甘', "62", "ABCDEFGHJKLMNP"), ('青', "63", "ABCDEFGH"), ('宁', "64", "ABCDE"),
        ('新', "65", "ABCDEFGHJKLMNPQR"),
    ];

    private static readonly FrozenDictionary<char, string> _letters = _all.ToFrozenDictionary(p => p.Character, p => p.Letters);
    private static readonly FrozenDictionary<string, char> _byDivision = _all.ToFrozenDictionary(p => p.Division, p => p.Character);

    public static bool IsProvince(char character) => _letters.ContainsKey(character);

    public static string OfficeLetters(char province) => _letters.TryGetValue(province, out var l) ? l : "";

    /// <summary>Whether a prefix such as 冀A is a province character and an office letter that province uses.</summary>
    public static bool IsValidPrefix(string? prefix) =>
        prefix is { Length: 2 } && _letters.TryGetValue(prefix[0], out var letters) && letters.Contains(prefix[1]);

    /// <summary>The province of a division code (130100 → 冀).</summary>
    public static char? OfDivisionCode(string code) =>
        Identity.IsOfficeCode(code) && _byDivision.TryGetValue(code[..2], out var p) ? p : null;

    public static bool IsDivisionPrefix(string twoDigits) => _byDivision.ContainsKey(twoDigits);
}
