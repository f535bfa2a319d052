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

    /// <summary>
    /// The selection's rules are one class per rule (entry, SMS verification, drawing, auto-confirm, completion,
    /// appointment), each in a file named after it that reads alone: no partial class spread over files, and no rule that
    /// reaches back into the <c>SelectionRules</c> that composes them (they share only the <c>SelectionContext</c>).
    /// </summary>
    [Fact]
    public void EachSelectionRuleIsAClassOfItsOwn()
    {
        var rules = typeof(PlateOrleans.Grains.Selection.SelectionRules).Assembly.GetTypes()
            .Where(t => t.Namespace == "PlateOrleans.Grains.Selection" && t.Name.EndsWith("Rules", StringComparison.Ordinal) && t != typeof(PlateOrleans.Grains.Selection.SelectionRules))
            .ToList();
        Assert.True(rules.Count >= 6, $"expected a class per rule, found {string.Join(", ", rules.Select(r => r.Name))}");

        var folder = Path.Combine(Repository.Root(), "src", "Grains", "Selection");
        Assert.All(rules, rule =>
        {
            var file = Path.Combine(folder, rule.Name + ".cs");
            Assert.True(File.Exists(file), $"{rule.Name} is not in {rule.Name}.cs");
            Assert.DoesNotContain("partial class", File.ReadAllText(file), StringComparison.Ordinal);
        });

        var reachingBack = NetArchTest.Rules.Types.InAssembly(typeof(PlateOrleans.Grains.Selection.SelectionRules).Assembly)
            .That().ResideInNamespace("PlateOrleans.Grains.Selection").And().HaveNameEndingWith("Rules")
            .And().DoNotHaveName(nameof(PlateOrleans.Grains.Selection.SelectionRules))
            .Should().NotHaveDependencyOn("PlateOrleans.Grains.Selection.SelectionRules")
            .GetResult();
        Assert.True(reachingBack.IsSuccessful, $"rules that use SelectionRules: {string.Join(", ", reachingBack.FailingTypeNames ?? [])}");
        Assert.Empty(Directory.GetFiles(folder, "SelectionRules.*.cs"));
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
