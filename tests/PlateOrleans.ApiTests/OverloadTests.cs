using System.Net;
using System.Text;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using PlateOrleans.Api.Operations;

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
        var applicants = new List<(Citizen citizen, string vin)>();
        for (var i = 0; i < 11; i++)
        {
            var (citizen, vin) = await Api.ApplicantAsync(office);
            await Api.WalkToDrawingAsync(citizen, vin);
            applicants.Add((citizen, vin));
        }

        // The first applicant's draw takes the one place and keeps it while its body is on the way.
        var (holder, holderVin) = applicants[0];
        var (held, heldBody) = await HoldTheOnePlaceAsync(Factory, holder.Client, SelectionPath(holderVin, "draws"));

        var others = applicants.Skip(1).ToList();
        var answers = await Task.WhenAll(others.Select(a => a.citizen.Client.PostAsJsonAsync(SelectionPath(a.vin, "draws"), new { excludeFour = false })));
        foreach (var ((citizen, vin), answer) in others.Zip(answers))
        {
            await ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable", Task.FromResult(answer));
            Assert.Equal("1", answer.Headers.RetryAfter?.ToString());
            Assert.Equal(5, (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32());
        }

        // Reads are not limited while the place is taken.
        await Expect(HttpStatusCode.OK, others[0].citizen.Client.GetAsync("/api/v1/me"));

        // The step that held the place goes through, and a refused step succeeds when retried.
        heldBody.Release();
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, held)).GetProperty("remainingDraws").GetInt32());
        var (first, firstVin) = others[0];
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, first.Client.PostAsJsonAsync(SelectionPath(firstVin, "draws"), new { excludeFour = false }))).GetProperty("remainingDraws").GetInt32());
    }

    /// <summary>
    /// Sends a draw whose body stays on the way until released, and waits until it has the one place: a write that would
    /// change nothing (a malformed VIN, answered 400 when it gets the place) is then refused with 503. Such a probe can
    /// take the place first and the draw be refused; the draw is then sent again.
    /// </summary>
    internal static async Task<(Task<HttpResponseMessage> Held, HeldBody Body)> HoldTheOnePlaceAsync(ApiFactory factory, HttpClient client, string path)
    {
        // The server's own client: the factory's default one reads a request's whole body before sending it, to follow redirects.
        var streaming = factory.Server.CreateClient();
        streaming.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        var body = new HeldBody("""{"excludeFour":false}""");
        var held = streaming.PostAsync(path, body);
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30); waited += TimeSpan.FromMilliseconds(20))
        {
            var probe = await client.PostAsJsonAsync(SelectionPath("not-a-vin", "draws"), new { excludeFour = false });
            if (probe.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                return (held, body);
            }

            Assert.Equal(HttpStatusCode.BadRequest, probe.StatusCode);
            if (held.IsCompleted)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await held).StatusCode);
                body = new HeldBody("""{"excludeFour":false}""");
                held = streaming.PostAsync(path, body);
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The held draw never took the one place of the concurrent writes.");
    }

    /// <summary>A JSON body sent only once released: its request keeps its place among the writes meanwhile.</summary>
    internal sealed class HeldBody : HttpContent
    {
        private readonly byte[] _json;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody(string json)
        {
            _json = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await _released.Task;
            await stream.WriteAsync(_json);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _json.Length;
            return true;
        }
    }
}

/// <summary>The write limit in force: the configured one, or the default of the hosting mode.</summary>
public sealed class WriteLimitTests
{
    [Theory]
    [InlineData(null, false, RateLimitOptions.StandaloneConcurrentWrites)]
    [InlineData(null, true, RateLimitOptions.ClientConcurrentWrites)]
    [InlineData("40", true, 40)]
    [InlineData("0", false, 0)]
    public void TheLimitIsTheConfiguredOneOrTheHostingModesDefault(string? configured, bool clusterClient, int expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimits:ConcurrentWrites"] = configured })
            .Build();
        var limits = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();

        Assert.Equal(expected, limits.ConcurrentWritesFor(clusterClient));
    }
}

/// <summary>The API with room for one step in progress per user, and plenty for all.</summary>
public sealed class OneWritePerUserFactory : ApiFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:ConcurrentWrites"] = "1000",
        ["RateLimits:UserConcurrentWrites"] = "1",
    };
}

/// <summary>One user cannot take the places of everyone: beyond their own steps in progress, theirs are refused.</summary>
public sealed class UserWriteLimitTests(OneWritePerUserFactory factory) : ApiTest<OneWritePerUserFactory>(factory), IClassFixture<OneWritePerUserFactory>
{
    [Fact]
    public async Task AUserBeyondTheirStepsInProgressIsRefusedWhileOthersGoOn()
    {
        var office = await Api.CreateOfficeAsync();
        var (holder, holderVin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(holder, holderVin);
        var (other, otherVin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(other, otherVin);

        var (held, heldBody) = await OverloadTests.HoldTheOnePlaceAsync(Factory, holder.Client, SelectionPath(holderVin, "draws"));

        // The holder's next step waits for their first: refused at once, nothing changed.
        var refused = await holder.Client.PostAsJsonAsync(SelectionPath(holderVin, "draws"), new { excludeFour = false });
        await ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable", Task.FromResult(refused));
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        // Another user's step, and the holder's reads, go on.
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, other.Client.PostAsJsonAsync(SelectionPath(otherVin, "draws"), new { excludeFour = false })))
            .GetProperty("remainingDraws").GetInt32());
        await Expect(HttpStatusCode.OK, holder.Client.GetAsync("/api/v1/me"));

        heldBody.Release();
        Assert.Equal(4, (await Expect(HttpStatusCode.Created, held)).GetProperty("remainingDraws").GetInt32());
        Assert.Equal(3, (await Expect(HttpStatusCode.Created, holder.Client.PostAsJsonAsync(SelectionPath(holderVin, "draws"), new { excludeFour = false })))
            .GetProperty("remainingDraws").GetInt32());
    }
}

/// <summary>The per-user count behind <see cref="UserWriteLimitTests"/>.</summary>
public sealed class StepsInProgressTests
{
    [Fact]
    public void AUserAtTheLimitIsRefusedUntilOneOfTheirStepsEndsAndOthersCountApart()
    {
        var steps = new StepsInProgress(limit: 2);

        Assert.True(steps.TryEnter("a"));
        Assert.True(steps.TryEnter("a"));
        Assert.False(steps.TryEnter("a"));
        Assert.True(steps.TryEnter("b"));
        steps.Leave("a");
        Assert.True(steps.TryEnter("a"));
    }

    [Fact]
    public async Task ConcurrentEntriesNeverPassTheLimitAndLeaveNothingBehind()
    {
        var steps = new StepsInProgress(limit: 3);
        var inside = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (!steps.TryEnter("a"))
                {
                    continue;
                }

                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                Interlocked.Decrement(ref inside);
                steps.Leave("a");
            }
        })));

        Assert.InRange(most, 1, 3);
        // Nobody is in progress: a full count again for the next steps.
        Assert.True(steps.TryEnter("a") && steps.TryEnter("a") && steps.TryEnter("a"));
        Assert.False(steps.TryEnter("a"));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
