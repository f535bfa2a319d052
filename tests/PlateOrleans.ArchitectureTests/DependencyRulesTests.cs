using System.Reflection;
using System.Xml.Linq;
using NetArchTest.Rules;

namespace PlateOrleans.ArchitectureTests;

/// <summary>
/// The dependency rules of the architecture (../shared/ARCHITECTURE.md, "Dependency rules"): Contracts uses nothing of
/// ours; Grains uses Contracts; Silo uses Grains and Contracts; the API uses Contracts, and Silo only to co-host it,
/// never Grains; the load tool and the baseline speak HTTP (Contracts at most, for the format checks); the format
/// checks that both sides need hold no Orleans type.
/// </summary>
public sealed class DependencyRulesTests
{
    private static readonly Assembly Contracts = typeof(PlateOrleans.Contracts.Formats.Vin).Assembly;
    private static readonly Assembly Grains = typeof(PlateOrleans.Grains.StorageNames).Assembly;
    private static readonly Assembly Silo = typeof(PlateOrleans.Silo.Storage.StorageOptions).Assembly;
    private static readonly Assembly Api = typeof(PlateOrleans.Api.Offices.OfficeEndpoints).Assembly;
    private static readonly Assembly LoadTest = typeof(PlateOrleans.LoadTest.LoadOptions).Assembly;

    public static TheoryData<string, string[]> Rules => new()
    {
        { "Contracts", ["PlateOrleans.Grains", "PlateOrleans.Silo", "PlateOrleans.Api", "PlateOrleans.LoadTest"] },
        { "Grains", ["PlateOrleans.Silo", "PlateOrleans.Api", "PlateOrleans.LoadTest"] },
        { "Silo", ["PlateOrleans.Api", "PlateOrleans.LoadTest"] },
        { "Api", ["PlateOrleans.Grains", "PlateOrleans.LoadTest"] },
        { "LoadTest", ["PlateOrleans.Grains", "PlateOrleans.Silo", "PlateOrleans.Api"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void APartUsesOnlyWhatItMay(string part, string[] forbidden)
    {
        var assembly = part switch
        {
            "Contracts" => Contracts,
            "Grains" => Grains,
            "Silo" => Silo,
            "Api" => Api,
            _ => LoadTest,
        };

        // The compiled references first: a part that uses no type of another does not reference its assembly at all.
        var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(referenced, name => forbidden.Contains(name));

        var result = Types.InAssembly(assembly).ShouldNot().HaveDependencyOnAny(forbidden).GetResult();
        Assert.True(result.IsSuccessful, $"{part} uses {string.Join(", ", forbidden)}: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void TheFormatChecksBothSidesUseHoldNoOrleansType()
    {
        var result = Types.InAssembly(Contracts)
            .That().ResideInNamespace("PlateOrleans.Contracts.Formats")
            .ShouldNot().HaveDependencyOn("Orleans")
            .GetResult();

        Assert.True(result.IsSuccessful, $"Orleans types in the format checks: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void TheBaselineReferencesNoProjectOfOurs()
    {
        var root = Repository.Root();
        var projects = Directory.GetFiles(Path.Combine(root, "bench"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            Assert.Empty(XDocument.Load(project).Descendants("ProjectReference"));
        }
    }

    [Fact]
    public void TheLoadToolReferencesContractsOnly()
    {
        var project = XDocument.Load(Path.Combine(Repository.Root(), "tools", "LoadTest", "PlateOrleans.LoadTest.csproj"));
        var references = project.Descendants("ProjectReference").Select(r => Path.GetFileName((string)r.Attribute("Include")!)).ToList();
        Assert.Equal(["PlateOrleans.Contracts.csproj"], references);
    }
}
