using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace PlateOrleans.BrowserTests;

/// <summary>
/// One test's browser tab: a fresh context (nothing shared between tests: the token lives in sessionStorage), a phone's
/// screen unless asked otherwise, Beijing time, and a screenshot of every page the test passes, saved under
/// <c>TestResults/browser/&lt;test&gt;/</c>, and the script errors (CSP violations included) it saw.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly string _shots;
    private readonly List<string> _scriptErrors = [];
    private int _shot;

    private BrowserSession(IBrowserContext context, IPage page, string shots, Uri baseAddress)
    {
        _context = context;
        Page = page;
        _shots = shots;
        BaseAddress = baseAddress;
        page.PageError += (_, error) => _scriptErrors.Add(error);
        page.Console += (_, message) =>
        {
            // A failed request is logged by Chromium as a console error; the page shows it in place, which tests check.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _scriptErrors.Add(message.Text);
            }
        };
    }

    public IPage Page { get; }

    public Uri BaseAddress { get; }

    /// <summary>Skips (locally) or fails (CI=true) without a browser; otherwise opens a tab.</summary>
    public static async Task<BrowserSession> OpenAsync(BrowserFixture fixture, bool phone = true, [CallerMemberName] string test = "")
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (fixture.Browser is null)
        {
            Assert.False(ci, $"CI=true and {fixture.Missing}");
            Skip.If(true, fixture.Missing);
        }

        var context = await fixture.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(10_000);
        var shots = Path.Combine(ResultsRoot(), "browser", test);
        if (Directory.Exists(shots))
        {
            Directory.Delete(shots, recursive: true);
        }

        Directory.CreateDirectory(shots);
        return new BrowserSession(context, await context.NewPageAsync(), shots, fixture.BaseAddress);
    }

    public Task GotoAsync(string hashPath) => Page.GotoAsync(new Uri(BaseAddress, "/#" + hashPath).ToString());

    /// <summary>Saves a full-page screenshot, numbered in the order the test took them.</summary>
    public async Task ShotAsync(string name)
    {
        _shot++;
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_shots, $"{_shot:00}-{name}.png"), FullPage = true });
    }

    /// <summary>Signs in through the sign-in page, as a person would.</summary>
    public async Task SignInAsync(string username, string password)
    {
        await GotoAsync("/signin");
        await Page.GetByLabel("用户名").FillAsync(username);
        await Page.GetByLabel("密码").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "登录", Exact = true }).ClickAsync();
    }

    public ILocator Heading(string text) => Page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex(Regex.Escape(text)) });

    public ILocator Button(string name, bool exact = false) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = exact });

    /// <summary>The page must never show a raw JSON body or a stack trace.</summary>
    public async Task ExpectNoRawJsonAsync()
    {
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain("\"code\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"detail\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("application/problem", text, StringComparison.Ordinal);
    }

    /// <summary>No script error (a CSP violation included) happened in the tab; called at the end of each test.</summary>
    public void AssertNoScriptErrors() =>
        Assert.True(_scriptErrors.Count == 0, "script errors in the page: " + string.Join(" | ", _scriptErrors));

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    /// <summary>TestResults/ at the repository's root (beside PlateOrleans.sln), which CI keeps.</summary>
    public static string ResultsRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PlateOrleans.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? AppContext.BaseDirectory, "TestResults");
    }
}
