namespace PlateOrleans.ApiTests;

/// <summary>The API with a tiny per-user request budget: 8 at once, 1 more per second.</summary>
public sealed class TightRateLimitFactory : ApiFactory
{
    public const int Burst = 8;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:UserBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:UserPerSecond"] = "1",
    };
}

[CollectionDefinition(Name)]
public sealed class TightRateLimitCollection : ICollectionFixture<TightRateLimitFactory>
{
    public const string Name = "tight-rate-limit";
}

[Collection(TightRateLimitCollection.Name)]
public sealed class RateLimitTests(TightRateLimitFactory factory) : ApiTest<TightRateLimitFactory>(factory)
{
    [Fact]
    public async Task AUserOverTheLimitIsToldToRetryLaterAndOthersAreNotAffected()
    {
        // Two admin calls make the office: within the admin's own budget.
        var office = await Api.CreateOfficeAsync();
        var greedy = await Api.RegisterAsync(office);
        var patient = await Api.RegisterAsync(office);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4 * TightRateLimitFactory.Burst).Select(_ => greedy.Client.GetAsync("/api/v1/me")));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        // The bucket refills by one a second: a few more than the burst may pass while the requests run.
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.OK), 1, TightRateLimitFactory.Burst + 2);
        var problem = await ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited", Task.FromResult(limited[0]));
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited[0].Headers.RetryAfter}");
        Assert.True(problem.GetProperty("retryAfter").GetInt32() >= 1);

        // Another user has a budget of their own.
        await Expect(HttpStatusCode.OK, patient.Client.GetAsync("/api/v1/me"));
        await Expect(HttpStatusCode.OK, patient.Client.GetAsync("/api/v1/me/vehicles"));
    }

    [Fact]
    public async Task RateLimitedDrawsSpendNothing()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vin = await Api.ImportVehicleAsync(office, citizen);
        await Api.WalkToDrawingAsync(citizen, vin);

        var answers = await Task.WhenAll(Enumerable.Range(0, 3 * TightRateLimitFactory.Burst).Select(_ =>
            citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false })));

        var limited = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, a => Assert.Equal("application/problem+json", a.Content.Headers.ContentType?.MediaType));
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests }));
        var drawn = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        // Read once the budget refills (the read that succeeds is the one to look at: it spends the token).
        HttpResponseMessage read = null!;
        await EventuallyAsync(async () => (read = await citizen.Client.GetAsync(SelectionPath(vin))).StatusCode == HttpStatusCode.OK, "the budget refills");
        var view = await Expect(HttpStatusCode.OK, Task.FromResult(read));
        Assert.Equal(5 - drawn, view.GetProperty("remainingDraws").GetInt32());
    }
}
