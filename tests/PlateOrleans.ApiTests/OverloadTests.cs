namespace PlateOrleans.ApiTests;

/// <summary>The API with room for one step of a formal selection at a time.</summary>
public sealed class OneWriteAtATimeFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:ConcurrentWrites"] = "1",
    };
}

/// <summary>Overload is answered at once, not after a wait: a step beyond the concurrent writes gets 503 and Retry-After.</summary>
public sealed class OverloadTests(OneWriteAtATimeFactory factory) : ApiTest<OneWriteAtATimeFactory>(factory), IClassFixture<OneWriteAtATimeFactory>
{
    [Fact]
    public async Task StepsBeyondTheConcurrentWritesAreRefusedAtOnceAndChangeNothing()
    {
        var office = await Api.CreateOfficeAsync();
        // One at a time while preparing: here, two steps at once are already one too many.
        var applicants = new List<(Citizen citizen, string vin)>();
        for (var i = 0; i < 30; i++)
        {
            var (citizen, vin) = await Api.ApplicantAsync(office);
            await Api.WalkToDrawingAsync(citizen, vin);
            applicants.Add((citizen, vin));
        }

        using var start = new SemaphoreSlim(0);
        var draws = applicants.Select(async a =>
        {
            await start.WaitAsync();
            return (a.citizen, a.vin, answer: await a.citizen.Client.PostAsJsonAsync(SelectionPath(a.vin, "draws"), new { excludeFour = false }));
        }).ToList();
        start.Release(applicants.Count);
        var answers = await Task.WhenAll(draws);

        var refused = answers.Where(a => a.answer.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(refused);
        Assert.All(answers, a => Assert.Contains(a.answer.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.ServiceUnavailable }));
        foreach (var (citizen, vin, answer) in refused)
        {
            Assert.Equal("1", answer.Headers.RetryAfter?.ToString());
            await ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable", Task.FromResult(answer));
            Assert.Equal(5, (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32());
        }

        // Reads are not limited, and a refused step succeeds when retried.
        var (first, firstVin, _) = refused[0];
        await Expect(HttpStatusCode.OK, first.Client.GetAsync("/api/v1/me"));
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, first.Client.PostAsJsonAsync(SelectionPath(firstVin, "draws"), new { excludeFour = false }))).GetProperty("remainingDraws").GetInt32());
    }
}
