using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using PlateOrleans.Api.Http;

namespace PlateOrleans.ApiTests;

/// <summary>A bug's answer: 500 internal_error, naming the exception only where developers and the tests run.</summary>
public sealed class ExceptionHandlingTests
{
    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task AnUnexpectedExceptionIsAnInternalErrorThatNamesItsCauseOnlyInDevelopment(string environment, bool named)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        var handler = new ProblemExceptionHandler(NullLogger<ProblemExceptionHandler>.Instance, new Environment(environment));

        Assert.True(await handler.TryHandleAsync(http, new InvalidOperationException("the secret cause"), CancellationToken.None));

        Assert.Equal(500, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var problem = (await JsonDocument.ParseAsync(http.Response.Body)).RootElement;
        Assert.Equal("internal_error", problem.GetProperty("code").GetString());
        Assert.Equal(named, problem.TryGetProperty("exception", out var exception));
        if (named)
        {
            Assert.Equal("System.InvalidOperationException: the secret cause", exception.GetString());
        }
        else
        {
            Assert.DoesNotContain("secret", problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "PlateOrleans.Api";

        public string ContentRootPath { get; set; } = "";

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
