using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.Silo.Sms;

/// <summary>
/// The SMS provider of section <c>Sms</c>: <c>Http</c> (a gateway, <see cref="HttpSmsOptions"/>) or <c>Outbox</c>, which
/// keeps messages for anyone to read and so exists only in the Development environment.
/// </summary>
public static class SmsHostingExtensions
{
    public const string ProviderKey = "Sms:Provider";
    public const string Outbox = "Outbox";
    public const string Http = "Http";

    /// <summary>Whether <c>Sms:Provider</c> is the development outbox.</summary>
    public static bool IsOutbox(IConfiguration configuration) =>
        string.Equals(configuration[ProviderKey], Outbox, StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddPlateSms(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration[ProviderKey];
        if (string.Equals(provider, Http, StringComparison.OrdinalIgnoreCase))
        {
            var options = HttpSmsOptions.FromConfiguration(configuration);
            services.TryAddSingleton<ISmsSender>(sp => new HttpSmsSender(options, sp.GetRequiredService<ILogger<HttpSmsSender>>()));
        }
        else if (IsOutbox(configuration))
        {
            // The environment as the host reads it (DOTNET_ENVIRONMENT, ASPNETCORE_ENVIRONMENT; none is Production):
            // refused now, before a silo exists. The hosted check below covers hosts that name it otherwise.
            var named = configuration[HostDefaults.EnvironmentKey] is { Length: > 0 } value ? value : Environments.Production;
            if (!string.Equals(named, Environments.Development, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(OutboxRefusal(named));
            }

            services.TryAddSingleton<ISmsSender, OutboxSmsSender>();
        }
        else if (!services.Any(s => s.ServiceType == typeof(ISmsSender)))
        {
            throw new InvalidOperationException(string.IsNullOrEmpty(provider)
                ? "Sms:Provider is not set: set it to Http with Sms:Http:Url (Outbox only in Development)."
                : $"Sms:Provider is '{provider}': use Http with Sms:Http:Url (Outbox only in Development).");
        }

        // A backstop for hosts whose environment is not in their configuration: first among the hosted services (Orleans
        // still brings its silo up before StartingAsync, and the refusal stops it again).
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => new OutboxOnlyInDevelopment(
            IsOutbox(configuration), sp.GetRequiredService<IHostEnvironment>())));
        return services;
    }

    private static string OutboxRefusal(string environment) =>
        $"Sms:Provider is Outbox in the {environment} environment: the outbox shows every code to anyone. "
        + "Set Sms:Provider=Http with Sms:Http:Url (environment variables Sms__Provider, Sms__Http__Url).";

    /// <summary>Refuses to start with the outbox outside Development: the host stops with the reason.</summary>
    private sealed class OutboxOnlyInDevelopment(bool outbox, IHostEnvironment environment) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) =>
            outbox && !environment.IsDevelopment()
                ? throw new InvalidOperationException(OutboxRefusal(environment.EnvironmentName))
                : Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
