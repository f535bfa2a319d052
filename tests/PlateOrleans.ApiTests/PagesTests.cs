namespace PlateOrleans.ApiTests;

/// <summary>The web pages are static files of the API: served at /, with a Content-Security-Policy, and no 5xx.</summary>
[Collection(ApiCollection.Name)]
public sealed class PagesTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/index.html", "text/html")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/js/screens/draw.js", "text/javascript")]
    [InlineData("/css/app.css", "text/css")]
    public async Task ThePagesAreServedWithAPolicyThatAllowsNoInlineScript(string path, string mediaType)
    {
        var response = await Api.Anonymous().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task TheIndexLoadsOnlyItsOwnModuleAndStylesheet()
    {
        var html = await Api.Anonymous().GetStringAsync("/");

        Assert.Contains("<script type=\"module\" src=\"/js/app.js\"></script>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task AMissingPageFileIsANotFoundProblem()
    {
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", Api.Anonymous().GetAsync("/js/nothing-here.js"));
    }
}
