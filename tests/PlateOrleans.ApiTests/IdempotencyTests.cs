namespace PlateOrleans.ApiTests;

/// <summary>A client retrying a draw by its <c>Idempotency-Key</c>: within a day it gets its first batch and pays nothing.</summary>
public sealed class IdempotencyTests(FakeClockApiFactory factory) : ApiTest<FakeClockApiFactory>(factory), IClassFixture<FakeClockApiFactory>
{
    private static HttpRequestMessage Draw(string vin, string key) => new(HttpMethod.Post, SelectionPath(vin, "draws"))
    {
        Headers = { { "Idempotency-Key", key } },
        Content = JsonContent.Create(new { excludeFour = false }),
    };

    private static Task<HttpResponseMessage> Backup(Citizen citizen, string vin, string key, string plate) =>
        citizen.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "backups"))
        {
            Headers = { { "Idempotency-Key", key } },
            Content = JsonContent.Create(new { plate }),
        });

    private async Task<int> RemainingDrawsAsync(Citizen citizen, string vin) =>
        (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32();

    [Fact]
    public async Task ADrawRetriedAfterTwentyOtherStepsAnswersTheFirstBatchAndSpendsNoDraw()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var first = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(vin, "draw-first")));
        var plates = first.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString()!).ToList();
        // Twenty more steps, each with a key of its own: one backup taken, then nineteen refused (one per batch).
        for (var i = 0; i < 20; i++)
        {
            var answer = await Backup(citizen, vin, $"backup-{i}", plates[i % plates.Count]);
            Assert.Contains(answer.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
        }

        var retried = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(vin, "draw-first")));

        Assert.Equal(first.GetProperty("batch").GetRawText(), retried.GetProperty("batch").GetRawText());
        Assert.Equal(4, await RemainingDrawsAsync(citizen, vin));
    }

    [Fact]
    public async Task ADayLaterTheKeyIsForgottenAndTheSameKeyDrawsAnew()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var first = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(vin, "draw-old")));

        Factory.Time.Advance(TimeSpan.FromHours(23));
        var replayed = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(vin, "draw-old")));
        Assert.Equal(first.GetProperty("batch").GetRawText(), replayed.GetProperty("batch").GetRawText());
        Assert.Equal(4, await RemainingDrawsAsync(citizen, vin));

        Factory.Time.Advance(TimeSpan.FromHours(1));
        var again = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(vin, "draw-old")));

        Assert.NotEqual(first.GetProperty("batch").GetProperty("number").GetInt32(), again.GetProperty("batch").GetProperty("number").GetInt32());
        Assert.Equal(3, await RemainingDrawsAsync(citizen, vin));
    }
}
