using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PlateOrleans.Silo.Storage;

namespace PlateOrleans.Silo.Operations;

/// <summary>How <c>/health/ready</c> reports its checks, on the API and on a silo: each check by name, passed or failed.</summary>
public static class Readiness
{
    public const string Passed = "passed";
    public const string Failed = "failed";

    public static Dictionary<string, string> Checks(params (string Name, bool Passed)[] checks) =>
        checks.ToDictionary(c => c.Name, c => c.Passed ? Passed : Failed);

    /// <summary>The sentence that says what is down.</summary>
    public static string Detail(Dictionary<string, string> checks, string storageProvider)
    {
        var down = checks.Where(c => c.Value == Failed).Select(c => c.Key switch
        {
            "storage" => $"数据库（{storageProvider}）未响应",
            "cluster" => "silo 集群未响应",
            "silo" => "本 silo 尚未加入集群",
            var other => other + " 未通过",
        });
        return string.Join("；", down) + "。";
    }

    /// <summary>Registers the <see cref="StorageProbe"/> of the configured database (section <c>Storage</c>).</summary>
    public static IServiceCollection AddStorageProbe(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new StorageProbe(StorageOptions.FromConfiguration(configuration), sp.GetRequiredService<ILogger<StorageProbe>>()));
        return services;
    }
}
