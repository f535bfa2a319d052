namespace PlateOrleans.ApiTests;

/// <summary>The tests that share one API host (each with fresh offices, citizens and vehicles).</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "api";
}
