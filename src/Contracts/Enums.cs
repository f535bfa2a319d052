namespace PlateOrleans.Contracts;

/// <summary>The plate kind of a vehicle (号牌种类). Only small and large cars may pre-select NEV plates.</summary>
[GenerateSerializer]
public enum PlateKind
{
    Small,
    Large,
    Motorcycle,
    Trailer,
}

/// <summary>How a vehicle is powered: pure electric, non-pure (plug-in hybrid, fuel cell), or fuel (not an NEV).</summary>
[GenerateSerializer]
public enum EnergyKind
{
    Pure,
    NonPure,
    Fuel,
}

/// <summary>The kinds of account of the traffic-management platform.</summary>
[GenerateSerializer]
public enum UserType
{
    Owner,
    Window,
    NewCarOwner,
    Learner,
    Unit,
}

/// <summary>What an account may do besides selecting for its own vehicles.</summary>
[GenerateSerializer]
public enum Role
{
    Citizen,
    Operator,
    Admin,

    /// <summary>Watches the whole system (metrics, the whole dashboard); may change nothing anywhere.</summary>
    Monitor,
}

/// <summary>The stages of a selection, in order; <see cref="Lapsed"/> follows <see cref="Completed"/> when the deadline passes.</summary>
[GenerateSerializer]
public enum SelectionStage
{
    ConfirmInfo,
    ServiceInfo,
    VerifyIdentity,
    Drawing,
    Completed,
    Exchanged,
    Lapsed,
}

/// <summary>Who confirmed a number: the applicant, or the system when the draws ran out.</summary>
[GenerateSerializer]
public enum ConfirmedBy
{
    User,
    Auto,
}

/// <summary>Whether an office takes selections right now.</summary>
[GenerateSerializer]
public enum OfficeState
{
    Open,
    Closed,
    NotYetOpen,
    Maintenance,
}
