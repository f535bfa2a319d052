namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// The energy letters of NEV serials, in the order offices open them as ranges run out:
/// pure electric D, A, B, C, E; non-pure (plug-in hybrid, fuel cell) F, G, H, J, K.
/// </summary>
public static class EnergyLetters
{
    public const string Pure = "DABCE";
    public const string NonPure = "FGHJK";

    /// <summary>The letters a vehicle of this energy may draw from, in opening order; empty for fuel vehicles.</summary>
    public static string For(EnergyKind energy) => energy switch
    {
        EnergyKind.Pure => Pure,
        EnergyKind.NonPure => NonPure,
        _ => "",
    };

    /// <summary>The energy a letter stands for, or null when it is not an energy letter.</summary>
    public static EnergyKind? KindOf(char letter) =>
        Pure.Contains(letter) ? EnergyKind.Pure
        : NonPure.Contains(letter) ? EnergyKind.NonPure
        : null;
}
