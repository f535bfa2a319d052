namespace PlateOrleans.Baseline.Domain;

/// <summary>Only new-energy vehicles whose plate kind is small or large car may pre-select an NEV plate.</summary>
public static class Eligibility
{
    public static string? ReasonAgainst(string plateKind, string energy) =>
        energy == "fuel" ? "not_nev"
        : plateKind is not ("small" or "large") ? "plate_kind_not_allowed"
        : null;

    public static string Describe(string reason) => reason == "not_nev"
        ? "该车辆不是新能源汽车，不能预选新能源号牌。"
        : "只有号牌种类为小型汽车或大型汽车的新能源汽车可以预选号牌。";
}
