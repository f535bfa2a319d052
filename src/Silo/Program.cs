namespace PlateOrleans.Silo;

/// <summary>A silo process of its own: a node of a cluster (see README, "Cluster").</summary>
public static class SiloProgram
{
    public static int Main()
    {
        Console.Error.WriteLine("A standalone silo needs a cluster database: not available yet. Run the API (dotnet run --project src/Api), which co-hosts a silo.");
        return 1;
    }
}
