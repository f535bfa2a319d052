using System.Reflection;
using System.Text.RegularExpressions;

namespace PlateOrleans.ArchitectureTests;

/// <summary>Where a newcomer finds things: each grain in a file named after it, alone, and thin.</summary>
public sealed partial class LayoutTests
{
    private static IEnumerable<Type> Grains() =>
        typeof(PlateOrleans.Grains.StorageNames).Assembly.GetTypes()
            .Where(t => t.IsClass && typeof(Grain).IsAssignableFrom(t) && t.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null);

    /// <summary>
    /// What grains share comes in by composition (as the selections' steps and their <c>ISelectionKind</c>), not
    /// through a base class of ours: each grain says what it is on its own page.
    /// </summary>
    [Fact]
    public void EveryGrainDerivesFromOrleansGrainDirectly()
    {
        Assert.All(Grains(), grain =>
        {
            Assert.False(grain.IsAbstract, $"{grain.Name} is an abstract grain base");
            var baseType = grain.BaseType!;
            Assert.True(baseType == typeof(Grain) || (baseType.IsGenericType && baseType.GetGenericTypeDefinition() == typeof(Grain<>)), $"{grain.Name} derives from {baseType.Name}");
        });
    }

    [Fact]
    public void EachGrainLivesInAFileOfItsOwnNamedAfterIt()
    {
        var grains = Grains().Where(t => !t.IsAbstract).Select(t => t.Name).ToHashSet();
        Assert.NotEmpty(grains);

        var declaredIn = Directory.GetFiles(Path.Combine(Repository.Root(), "src", "Grains"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => ClassDeclaration().Matches(File.ReadAllText(file)).Select(m => (Grain: m.Groups[1].Value, File: Path.GetFileNameWithoutExtension(file))))
            .Where(d => grains.Contains(d.Grain))
            .ToList();

        Assert.Equal(grains.Order(), declaredIn.Select(d => d.Grain).Order());
        Assert.All(declaredIn, d => Assert.Equal(d.Grain, d.File));
    }

    [GeneratedRegex(@"^public (?:sealed |abstract )?(?:partial )?class (\w+)", RegexOptions.Multiline)]
    private static partial Regex ClassDeclaration();
}

/// <summary>The repository's root, found from the test's own directory.</summary>
internal static class Repository
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PlateOrleans.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("PlateOrleans.sln not found above the test's directory.");
    }
}
