using Microsoft.AspNetCore.Identity;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Demo;

/// <summary>
/// At start-up: makes sure the configured first admin (<c>Admin:Username</c>, <c>Admin:Password</c>) exists with that
/// password, then, when <c>Demo:Seed</c> is on (Development), the demo offices, pools, citizens and vehicles.
/// Both are idempotent: a restart changes nothing that is already there.
/// </summary>
public sealed class StartupSeeder(
    IGrainFactory grains,
    IPasswordHasher<AccountRecord> hasher,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<StartupSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await EnsureAdminAsync();
        if (configuration.GetValue("Demo:Seed", false))
        {
            await DemoData.SeedAsync(grains, hasher, time);
            logger.LogInformation("Demo data is in place: offices {Offices}", string.Join(", ", DemoData.Offices.Select(o => o.Code)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task EnsureAdminAsync()
    {
        var username = configuration["Admin:Username"];
        var password = configuration["Admin:Password"];
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            logger.LogWarning("No first admin configured (Admin:Username, Admin:Password): operator endpoints have no one to call them.");
            return;
        }

        var account = new AccountRecord { Username = username, PasswordHash = "", Role = Role.Admin, CreatedAt = time.GetUtcNow() };
        var grain = grains.Account(username);
        var existing = await grain.GetAsync();
        if (existing is { Role: Role.Admin } && hasher.VerifyHashedPassword(existing, existing.PasswordHash, password) == PasswordVerificationResult.Success)
        {
            return;
        }

        await grain.UpsertAsync(account with { PasswordHash = hasher.HashPassword(account, password), CreatedAt = existing?.CreatedAt ?? account.CreatedAt });
        logger.LogInformation("First admin {Username} is set from configuration", username);
    }
}
