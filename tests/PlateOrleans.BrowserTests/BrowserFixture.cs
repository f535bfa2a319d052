using Microsoft.AspNetCore.Hosting;

namespace PlateOrleans.BrowserTests;

/// <summary>
/// The API on a real Kestrel port (a browser cannot reach WebApplicationFactory's in-memory server), in Development with
/// the SMS outbox and no demo data, as <see cref="ApiFactory"/> makes it.
/// </summary>
public sealed class KestrelApiFactory : ApiFactory
{
    public KestrelApiFactory() => UseKestrel(0);
}

/// <summary>
/// One API and one headless Chromium for every browser test: Debian's <c>/usr/bin/chromium</c> (or
/// <c>PLAYWRIGHT_CHROMIUM</c>), driven by Playwright; Playwright never downloads a browser here. Without the browser the
/// tests are skipped with the reason, and fail when <c>CI=true</c>.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("PLAYWRIGHT_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public KestrelApiFactory Api { get; } = new();

    public IBrowser? Browser { get; private set; }

    /// <summary>Why there is no browser, or null.</summary>
    public string? Missing { get; private set; }

    public Uri BaseAddress => Driver.Anonymous().BaseAddress!;

    public ApiDriver Driver => new(Api);

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        if (!File.Exists(ChromiumPath))
        {
            Missing = $"no Chromium at {ChromiumPath} (install Debian's chromium and fonts-noto-cjk, or set PLAYWRIGHT_CHROMIUM)";
            return;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Api.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
