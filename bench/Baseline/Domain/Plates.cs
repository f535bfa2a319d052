namespace PlateOrleans.Baseline.Domain;

/// <summary>
/// NEV plate numbers (GA 36-2018): the office prefix, then a 6-character serial. Small: energy letter, a letter
/// (not I or O) or digit, four digits. Large: five digits, then the energy letter. Blocks are serial patterns in which
/// <c>#</c> stands for any digit (<c>D0####</c>, <c>DA####</c>, <c>12###D</c>).
/// </summary>
public static class Plates
{
    /// <summary>Energy letters in the order offices open them: pure D, A, B, C, E; non-pure F, G, H, J, K.</summary>
    public const string PureLetters = "DABCE";
    public const string NonPureLetters = "FGHJK";

    public static string LettersFor(string energy) => energy switch
    {
        "pure" => PureLetters,
        "nonPure" => NonPureLetters,
        _ => "",
    };

    public static bool IsEnergyLetter(char c) => PureLetters.Contains(c) || NonPureLetters.Contains(c);

    public static bool IsSerialLetter(char c) => c is >= 'A' and <= 'Z' and not 'I' and not 'O';

    /// <summary>Why a block does not fit its plate kind and energy letter, or null when it does.</summary>
    public static string? CheckBlock(string pattern, string plateKind, char energyLetter)
    {
        static bool DigitOrAny(char c) => c == '#' || char.IsAsciiDigit(c);
        if (pattern.Length != 6)
        {
            return $"号段 '{pattern}' 须为 6 个字符。";
        }

        return plateKind switch
        {
            "small" when pattern[0] != energyLetter => $"小型新能源号段 '{pattern}' 须以能源字母 {energyLetter} 开头。",
            "small" when !DigitOrAny(pattern[1]) && !IsSerialLetter(pattern[1]) => $"小型新能源号段 '{pattern}' 第 2 位为字母（不含 I、O）、数字或 #。",
            "small" when !pattern.AsSpan(2).ToArray().All(DigitOrAny) => $"小型新能源号段 '{pattern}' 第 3 到 6 位为数字或 #。",
            "small" => null,
            "large" when !pattern.AsSpan(0, 5).ToArray().All(DigitOrAny) => $"大型新能源号段 '{pattern}' 第 1 到 5 位为数字或 #。",
            "large" when pattern[5] != energyLetter => $"大型新能源号段 '{pattern}' 须以能源字母 {energyLetter} 结尾。",
            "large" => null,
            _ => "号牌种类为 small 或 large。",
        };
    }

    /// <summary>Every serial of a block, the <c>#</c> positions filled left to right.</summary>
    public static IEnumerable<string> Expand(string pattern)
    {
        var wild = Enumerable.Range(0, pattern.Length).Where(i => pattern[i] == '#').ToArray();
        var count = (int)Math.Pow(10, wild.Length);
        var chars = pattern.ToCharArray();
        for (var n = 0; n < count; n++)
        {
            var rest = n;
            for (var w = wild.Length - 1; w >= 0; w--)
            {
                chars[wild[w]] = (char)('0' + (rest % 10));
                rest /= 10;
            }

            yield return new string(chars);
        }
    }

    /// <summary>Whether some serial fits both patterns.</summary>
    public static bool Overlap(string a, string b)
    {
        for (var i = 0; i < 6; i++)
        {
            if (a[i] != b[i] && !(a[i] == '#' && char.IsAsciiDigit(b[i])) && !(b[i] == '#' && char.IsAsciiDigit(a[i])))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An 8-character NEV plate number: a valid prefix and a small or large NEV serial.</summary>
    public static bool IsNevPlate(string? plate)
    {
        if (plate is not { Length: 8 } || !Provinces.IsValidPrefix(plate[..2]))
        {
            return false;
        }

        var s = plate.AsSpan(2);
        var small = IsEnergyLetter(s[0]) && (char.IsAsciiDigit(s[1]) || IsSerialLetter(s[1])) && s[2..].IndexOfAnyExceptInRange('0', '9') < 0;
        var large = s[..5].IndexOfAnyExceptInRange('0', '9') < 0 && IsEnergyLetter(s[5]);
        return small || large;
    }

    /// <summary>A current (pre-exchange) plate: a valid prefix, then five or six letters and digits.</summary>
    public static bool IsPlausibleCurrentPlate(string? plate) =>
        plate is { Length: 7 or 8 } && Provinces.IsValidPrefix(plate[..2])
        && plate.Skip(2).All(c => char.IsAsciiDigit(c) || (IsSerialLetter(c) && c != 'I' && c != 'O'));
}
