using System.Collections.Frozen;

namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// The provinces of the mainland, their plate character, the first two digits of their division codes,
/// and the office letters (发牌机关代号) each uses. The letter lists follow the public issuing lists;
/// Hebei's (A–H, J, R, T) is the one DOMAIN.md names.
/// </summary>
public static class Provinces
{
    private sealed record Province(char Character, string DivisionPrefix, string Letters);

    private static readonly Province[] _all =
    [
        new('京', "11", "ABCDEFGHJKLMNPQY"),
        new('津', "12", "ABCDEFGHJKLMNQR"),
        new('冀', "13", "ABCDEFGHJRT"),
        new('晋', "14", "ABCDEFHJKLM"),
        new('蒙', "15", "ABCDEFGHJKLM"),
        new('辽', "21", "ABCDEFGHJKLMNP"),
        new('吉', "22", "ABCDEFGHJK"),
        new('黑', "23", "ABCDEFGHJKLMNPR"),
        new('沪', "31", "ABCDEFGHJKLMNR"),
        new('苏', "32", "ABCDEFGHJKLMN"),
        new('浙', "33", "ABCDEFGHJKL"),
        new('皖', "34", "ABCDEFGHJKLMNPRS"),
        new('闽', "35", "ABCDEFGHJK"),
        new('赣', "36", "ABCDEFGHJKLM"),
        new('鲁', "37", "ABCDEFGHJKLMNPQRSUVY"),
        new('豫', "41", "ABCDEFGHJKLMNPQRSU"),
        new('鄂', "42", "ABCDEFGHJKLMNPQRS"),
        new('湘', "43", "ABCDEFGHJKLMNSU"),
        new('粤', "44", "ABCDEFGHJKLMNPQRSTUVWXYZ"),
        new('桂', "45", "ABCDEFGHJKLMNPR"),
        new('琼', "46", "ABCDEF"),
        new('渝', "50", "ABCDFGH"),
        new('川', "51", "ABCDEFHJKLMQRSTUVWXYZ"),
        new('贵', "52", "ABCDEFGHJ"),
        new('云', "53", "ACDEFGHJKLMNPQRS"),
        new('藏', "54", "ABCDEFGJ"),
        new('陕', "61", "ABCDEFGHJKUV"),
        new('甘', "62", "ABCDEFGHJKLMNP"),
        new('青', "63", "ABCDEFGH"),
        new('宁', "64", "ABCDE"),
        new('新', "65", "ABCDEFGHJKLMNPQR"),
    ];

    private static readonly FrozenDictionary<char, Province> _byCharacter = _all.ToFrozenDictionary(p => p.Character);
    private static readonly FrozenDictionary<string, Province> _byDivision = _all.ToFrozenDictionary(p => p.DivisionPrefix);

    public static bool IsProvince(char character) => _byCharacter.ContainsKey(character);

    /// <summary>Whether the province issues plates with this office letter.</summary>
    public static bool AllowsOfficeLetter(char province, char letter) =>
        _byCharacter.TryGetValue(province, out var p) && p.Letters.Contains(letter);

    /// <summary>The office letters a province uses, e.g. "ABCDEFGHJRT" for 冀.</summary>
    public static string OfficeLetters(char province) =>
        _byCharacter.TryGetValue(province, out var p) ? p.Letters : "";

    /// <summary>The province of a 6-digit division code (130100 → 冀), if the code is one.</summary>
    public static char? OfDivisionCode(string code) =>
        code.Length == 6 && code.All(char.IsAsciiDigit) && _byDivision.TryGetValue(code[..2], out var p)
            ? p.Character
            : null;

    /// <summary>Whether the first two digits of an ID number name a province.</summary>
    internal static bool IsDivisionPrefix(ReadOnlySpan<char> twoDigits) =>
        _byDivision.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(twoDigits);
}
