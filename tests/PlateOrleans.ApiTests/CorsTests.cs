using Microsoft.Extensions.Configuration;
using PlateOrleans.Api.Web;

namespace PlateOrleans.ApiTests;

/// <summary>The API with two app frontends' origins allowed (<c>Cors:AllowedOrigins</c>).</summary>
public sealed class CorsApiFactory : ApiFactory
{
    public const string AppOrigin = "https://app.example.cn";
    public const string DevOrigin = "http://localhost:5173";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = AppOrigin,
        ["Cors:AllowedOrigins:1"] = DevOrigin,
    };
}

[CollectionDefinition(Name)]
public sealed class CorsCollection : ICollectionFixture<CorsApiFactory>
{
    public const string Name = "cors";
}

/// <summary>Cross-origin calls from configured app frontends; every other origin gets no CORS header at all.</summary>
[Collection(CorsCollection.Name)]
public sealed class CorsTests(CorsApiFactory factory) : ApiTest<CorsApiFactory>(factory)
{
    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST", string headers = "authorization,content-type,idempotency-key")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static HttpRequestMessage From(HttpMethod method, string path, string origin)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task APreflightOfADrawFromAnAllowedOriginIsAllowedWithoutCredentials()
    {
        var response = await Api.Anonymous().SendAsync(Preflight($"/api/v1/selections/{NewVin()}/draws", CorsApiFactory.AppOrigin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CorsApiFactory.AppOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        var allowed = Header(response, "Access-Control-Allow-Headers")!.ToLowerInvariant();
        Assert.Contains("authorization", allowed);
        Assert.Contains("idempotency-key", allowed);
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods")!);
    }

    [Fact]
    public async Task AnswersAndErrorsToAnAllowedOriginNameItSoTheAppCanReadTheProblem()
    {
        var offices = await Api.Anonymous().SendAsync(From(HttpMethod.Get, "/api/v1/offices", CorsApiFactory.DevOrigin));
        Assert.Equal(HttpStatusCode.OK, offices.StatusCode);
        Assert.Equal(CorsApiFactory.DevOrigin, Header(offices, "Access-Control-Allow-Origin"));

        var unauthenticated = await Api.Anonymous().SendAsync(From(HttpMethod.Get, "/api/v1/me", CorsApiFactory.AppOrigin));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(CorsApiFactory.AppOrigin, Header(unauthenticated, "Access-Control-Allow-Origin"));
        Assert.Contains("Retry-After", Header(unauthenticated, "Access-Control-Expose-Headers") ?? "");
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://app.example.cn.evil.example")]
    [InlineData("http://app.example.cn")]
    [InlineData("null")]
    public async Task AnotherOriginGetsNoCorsHeaders(string origin)
    {
        var preflight = await Api.Anonymous().SendAsync(Preflight("/api/v1/auth/token", origin));
        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Methods"));

        var get = await Api.Anonymous().SendAsync(From(HttpMethod.Get, "/api/v1/offices", origin));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Null(Header(get, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task APreflightAskingForAHeaderNotAllowedIsNotAllowed()
    {
        var response = await Api.Anonymous().SendAsync(Preflight("/api/v1/offices", CorsApiFactory.AppOrigin, "GET", "x-something-else"));
        // The browser refuses the request unless the answer lists the header it asked for.
        Assert.DoesNotContain("x-something-else", (Header(response, "Access-Control-Allow-Headers") ?? "").ToLowerInvariant());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.example.cn")]
    [InlineData("https://app.example.cn/")]
    [InlineData("https://app.example.cn/path")]
    [InlineData("app.example.cn")]
    [InlineData("ftp://app.example.cn")]
    public void AWildcardOrSomethingElseThanAnOriginIsRefusedAtStart(string origin)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [CorsSetup.Section] = origin }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => CorsSetup.AllowedOrigins(configuration));
        Assert.Contains(CorsSetup.Section, error.Message);
    }

    [Fact]
    public void OriginsMayBeOneCommaSeparatedValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [CorsSetup.Section] = "https://a.example.cn, http://localhost:5173" }).Build();
        Assert.Equal(["https://a.example.cn", "http://localhost:5173"], CorsSetup.AllowedOrigins(configuration));
    }
}

/// <summary>Without <c>Cors:AllowedOrigins</c> (the default), no origin is allowed.</summary>
[Collection(ApiCollection.Name)]
public sealed class CorsOffByDefaultTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task NoOriginGetsCorsHeadersWhenNoneIsConfigured()
    {
        var client = Api.Anonymous();
        var get = new HttpRequestMessage(HttpMethod.Get, "/api/v1/offices");
        get.Headers.Add("Origin", CorsApiFactory.AppOrigin);
        var response = await client.SendAsync(get);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));

        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/offices");
        preflight.Headers.Add("Origin", CorsApiFactory.AppOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        var answer = await client.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
