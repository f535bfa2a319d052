using NetArchTest.Rules;

namespace PlateOrleans.ArchitectureTests;

/// <summary>No cycles between the folders (namespaces) of the grains: each room can be read knowing only those below it.</summary>
public sealed class FolderCycleTests
{
    [Fact]
    public void TheGrainsFoldersDependOnEachOtherWithoutCycles()
    {
        var assembly = typeof(PlateOrleans.Grains.StorageNames).Assembly;
        var folders = assembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith("PlateOrleans.Grains.", StringComparison.Ordinal))
            .Select(n => string.Join('.', n.Split('.').Take(3)))
            .Distinct()
            .Order()
            .ToList();
        Assert.Contains("PlateOrleans.Grains.Pool", folders);

        var uses = folders.ToDictionary(folder => folder, folder => folders
            .Where(other => other != folder && !Types.InAssembly(assembly).That().ResideInNamespace(folder)
                .ShouldNot().HaveDependencyOn(other).GetResult().IsSuccessful)
            .ToList());

        var cycles = folders.Select(folder => CycleFrom(folder, uses)).OfType<string>().ToList();
        Assert.True(cycles.Count == 0, "cycles between folders: " + string.Join("; ", cycles));
    }

    /// <summary>A path from <paramref name="start"/> back to itself, or null.</summary>
    private static string? CycleFrom(string start, Dictionary<string, List<string>> uses)
    {
        var path = new Stack<string>();
        var seen = new HashSet<string>();
        return Walk(start);

        string? Walk(string folder)
        {
            path.Push(folder);
            foreach (var next in uses[folder])
            {
                if (next == start)
                {
                    return string.Join(" -> ", path.Reverse().Append(start).Select(n => n["PlateOrleans.Grains.".Length..]));
                }

                if (seen.Add(next) && Walk(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.Pop();
            return null;
        }
    }
}
