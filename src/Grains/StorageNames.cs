namespace PlateOrleans.Grains;

/// <summary>The grain storage providers a grain can name in <c>[PersistentState]</c>; without a name, the default one.</summary>
public static class StorageNames
{
    /// <summary>
    /// For state written on every step of a busy flow (selections): writes of many grains are committed together in
    /// one transaction, each answered after its commit. The default provider keeps what is written rarely.
    /// </summary>
    public const string Selections = "selections";
}
