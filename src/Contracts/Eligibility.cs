namespace PlateOrleans.Contracts;

/// <summary>Which vehicles may pre-select an NEV plate: new-energy vehicles whose plate kind is small or large car.</summary>
public static class Eligibility
{
    public const string NotNev = "not_nev";
    public const string PlateKindNotAllowed = "plate_kind_not_allowed";

    /// <summary>Why the vehicle may not select, or null when it may.</summary>
    public static string? ReasonAgainst(VehicleRecord vehicle) =>
        vehicle.Energy == EnergyKind.Fuel ? NotNev
        : vehicle.PlateKind is not (PlateKind.Small or PlateKind.Large) ? PlateKindNotAllowed
        : null;

    public static string Describe(string reason) => reason switch
    {
        NotNev => "该车辆不是新能源汽车，不能预选新能源号牌。",
        PlateKindNotAllowed => "只有号牌种类为小型汽车或大型汽车的新能源汽车可以预选号牌。",
        _ => reason,
    };
}
