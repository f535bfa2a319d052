using System.Text;
using PlateOrleans.Api.Demo;
using PlateOrleans.Contracts;
using PlateOrleans.Silo.Sms;

namespace PlateOrleans.Api.Hosting;

/// <summary>
/// Safe by default: outside the Development environment the process refuses to start with a setting that is fine for a
/// developer's machine and dangerous anywhere else, and says which setting to change. Settings are checked before
/// anything is seeded or served; the stored accounts once the silo (or the cluster client) is up and before the app serves.
/// </summary>
public static class StartupChecks
{
    /// <summary>The signing key of <c>appsettings.Development.json</c>: public, so it signs anyone's tokens.</summary>
    public const string DevelopmentSigningKey = "development-only-signing-key-do-not-use-in-production";

    /// <summary>The first admin's password of <c>appsettings.Development.json</c> and the README.</summary>
    public const string DevelopmentAdminPassword = "Admin-Passw0rd";

    /// <summary>What <c>docker/compose.yaml</c> puts where a secret must go: refused until replaced.</summary>
    public const string Placeholder = "CHANGE-ME";

    /// <summary>Registers the checks; call after Orleans is added and before the seeder.</summary>
    public static WebApplicationBuilder AddPlateStartupChecks(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            // The settings first among the hosted services; the stored accounts once Orleans (registered before) runs.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<SettingsCheck>(sp)));
            builder.Services.AddHostedService<StoredAccountsCheck>();
        }

        return builder;
    }

    /// <summary>The settings that must not be used outside Development, each with the sentence that says what to change.</summary>
    public static IEnumerable<string> RefusedSettings(IConfiguration configuration, string environment)
    {
        if (SmsHostingExtensions.IsOutbox(configuration))
        {
            yield return $"Sms:Provider is Outbox in the {environment} environment: the outbox shows every verification code to anyone. "
                + "Set Sms:Provider=Http and Sms:Http:Url (environment variables Sms__Provider, Sms__Http__Url).";
        }

        if (configuration.GetValue("Demo:Seed", false))
        {
            yield return $"Demo:Seed is on in the {environment} environment: it creates accounts with the published password {DemoData.Password}. "
                + "Set Demo:Seed=false (environment variable Demo__Seed).";
        }

        var key = configuration["Jwt:SigningKey"] ?? "";
        if (Encoding.UTF8.GetByteCount(key) < 32 || key == DevelopmentSigningKey || key.Contains(Placeholder, StringComparison.OrdinalIgnoreCase))
        {
            yield return "Jwt:SigningKey is missing, shorter than 32 bytes, the Development key or a placeholder: anyone could sign tokens. "
                + "Set Jwt:SigningKey to a random secret of at least 32 bytes (environment variable Jwt__SigningKey).";
        }

        var password = configuration["Admin:Password"];
        if (password is not null && (password == DevelopmentAdminPassword || password == DemoData.Password || password.Contains(Placeholder, StringComparison.OrdinalIgnoreCase)))
        {
            yield return "Admin:Password is the published Development/demo password or a placeholder: anyone could sign in as admin. "
                + "Set Admin:Password to a secret of your own (environment variable Admin__Password).";
        }
    }

    /// <summary>The demo accounts found in storage (a data file copied from Development, say).</summary>
    public static async Task<List<string>> DemoAccountsAsync(IGrainFactory grains)
    {
        var found = new List<string>();
        foreach (var username in DemoData.Citizens.Select(c => c.Username).Append(DemoData.OperatorUsername))
        {
            if (await grains.Account(username).GetAsync() is not null)
            {
                found.Add(username);
            }
        }

        return found;
    }

    /// <summary>Before any hosted service's StartAsync (the seeder's): the settings alone.</summary>
    private sealed class SettingsCheck(IConfiguration configuration, IHostEnvironment environment, ILogger<SettingsCheck> logger) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) =>
            Refuse(logger, RefusedSettings(configuration, environment.EnvironmentName).ToList());

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Once the silo or cluster client runs (started before this service), before the app serves.</summary>
    private sealed class StoredAccountsCheck(IGrainFactory grains, IHostEnvironment environment, ILogger<StoredAccountsCheck> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var demo = await DemoAccountsAsync(grains);
            await Refuse(logger, demo.Count == 0 ? [] :
            [
                $"The demo accounts {string.Join(", ", demo)} exist in storage in the {environment.EnvironmentName} environment, with the published password "
                + $"{DemoData.Password}: the data comes from Development. Start from an empty database (Storage:ConnectionString), or delete those accounts.",
            ]);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static Task Refuse(ILogger logger, List<string> reasons)
    {
        if (reasons.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var reason in reasons)
        {
            logger.LogCritical("Refusing to start: {Reason}", reason);
        }

        throw new InvalidOperationException("Refusing to start outside Development: " + string.Join(" ", reasons));
    }
}
