namespace PlateOrleans.Contracts;

/// <summary>
/// Grain references by string key. Orleans' <c>GetGrain&lt;T&gt;(string)</c> works out the grain type from the
/// interface on every call (attributes read by reflection, the type name formatted): a fifth of a request's grain-call
/// cost in the profile of issue 7. Here it is worked out once per interface and reused.
/// </summary>
public static class GrainReferences
{
    public static T Get<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var types = Types<T>.Resolved ??= Resolve<T>(grains);
        return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
    }

    private static Resolution Resolve<T>(IGrainFactory grains) where T : IGrainWithStringKey
    {
        var reference = (GrainReference)(object)grains.GetGrain<T>("-");
        return new(reference.GrainId.Type, reference.InterfaceType);
    }

    /// <summary>
    /// A class, not a struct: a reference is published whole, where a reader racing the first writer of a larger
    /// struct could see half of it (a default interface type, which answers an untyped reference that fails the cast).
    /// </summary>
    private sealed record Resolution(GrainType Grain, GrainInterfaceType Interface);

    /// <summary>Per interface: the mapping is the same for every silo and client of one application.</summary>
    private static class Types<T>
    {
        public static Resolution? Resolved;
    }
}

/// <summary>
/// Grain keys that are not the plain natural key. Orleans' ADO.NET storage stores a string key that reads as
/// hexadecimal (up to 16 digits) by its numeric value, so "abc", "ABC" and "0abc" would share one stored state:
/// usernames get a prefix that no hexadecimal number has. VINs, ID numbers and office codes are safe as they are.
/// </summary>
public static class GrainKeys
{
    /// <remarks>Usernames are compared without regard to case: the key is the lower-case name.</remarks>
    public static IAccountGrain Account(this IGrainFactory grains, string username) =>
        grains.Get<IAccountGrain>("account:" + username.ToLowerInvariant());
}
