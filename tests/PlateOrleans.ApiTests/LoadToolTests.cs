using PlateOrleans.LoadTest;
using PlateOrleans.Testing;

namespace PlateOrleans.ApiTests;

/// <summary>The load tool of tools/LoadTest, small, against the API in memory: it walks the flow the API really has.</summary>
[Collection(ApiCollection.Name)]
public sealed class LoadToolTests(ApiFactory factory)
{
    private const int Applicants = 40;

    [Fact]
    public async Task ASmallSurgeWalksEveryApplicantThroughTheWholeFlowAndTheInvariantsHold()
    {
        var options = new LoadOptions { Applicants = Applicants, Seconds = 1, Arrival = ArrivalPattern.Spike, Office = ApiDriver.NewOfficeCode(), SmsDelaySeconds = 0 };
        var http = factory.CreateClient();
        var preparation = new Preparation(new LoadApi(http), options);
        var admin = await preparation.AdminTokenAsync();
        await preparation.CreateOfficeAsync(admin);
        // Again: a second run against the same office replaces it.
        await preparation.CreateOfficeAsync(admin);
        // Prepared in two groups (a warm-up, then the surge), every citizen and car unlike the others.
        var warmup = await preparation.ApplicantsAsync(admin, 3);
        var applicants = await preparation.ApplicantsAsync(admin, Applicants);
        Assert.Equal(Applicants + 3, warmup.Concat(applicants).Select(a => a.Vin).Distinct().Count());
        Assert.Equal(Applicants + 3, warmup.Concat(applicants).Select(a => a.OwnerPhone).Distinct().Count());

        var api = new LoadApi(http);
        var progress = new StringWriter();
        var ticking = Progress.Start(api.Metrics, "surge", Applicants, progress);
        var result = await new Surge(api, options).RunAsync(applicants);
        var timeline = await ticking.StopAsync();

        Assert.Empty(result.Failures);
        Assert.Equal(Applicants, result.Finished);
        Assert.Equal((0, 0), (result.ServerErrors, result.SmsTooEarly));
        Assert.Equal(11, result.Endpoints.Count);
        Assert.All(result.Endpoints, e => Assert.Equal((e.Endpoint, Applicants, 0), (e.Endpoint, e.Count, e.Unexpected)));
        Assert.Equal(Applicants, result.Confirmed.Count);
        Assert.Equal(Applicants, timeline[^1].Finished);
        Assert.Contains($"finished {Applicants}", progress.ToString());

        var invariants = await Invariants.CheckAsync(api, admin, options.Office, result.Confirmed);
        Assert.Empty(invariants.Broken);
        Assert.Equal(Applicants, invariants.Assignments);
        var series = Assert.Single(invariants.Pool);
        Assert.Equal((Preparation.Blocks.Length * 10_000L, (long)Applicants, 0L), (series.Total, series.Reserved, series.Held));

        var report = new RunReport(options, DateTimeOffset.UtcNow, result, timeline, invariants, 0, 0)
        {
            ServerCpu = new ProcessCpu(1.5, 3, 600),
            DatabaseCpu = new ProcessCpu(0.6, 3, 600),
            LoadToolCpu = new ProcessCpu(0.3, 3, 600),
        };
        Assert.True(report.Passed, string.Join("; ", report.Problems));
        var markdown = report.ToMarkdown();
        Assert.Contains("| `POST /selections/{vin}/confirmation` | 40 | 0 |", markdown);
        Assert.Contains("- the server's CPU during the run: 1.5 s, 2.500 ms per request, 0.50 cores on average", markdown);
        Assert.Contains("- the database's CPU during the run: 0.6 s, 1.000 ms per request, 0.20 cores on average", markdown);
        Assert.Contains("- the load tool's own CPU during the run: 0.3 s, 0.500 ms per request, 0.10 cores on average", markdown);
    }

    [Fact]
    public void TheToolReferencesNoProjectOfTheServerButTheContractsAtMost()
    {
        var ours = typeof(LoadOptions).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("PlateOrleans.", StringComparison.Ordinal));

        Assert.All(ours, name => Assert.Equal("PlateOrleans.Contracts", name));
    }

    [Fact]
    public void TheCommandLineSetsEachOptionAndRefusesWhatItDoesNotKnow()
    {
        var options = LoadOptions.Parse([
            "--url", "http://10.0.0.5:8080", "--applicants", "20000", "--seconds", "60", "--admin", "root:pa:ss", "--sms-delay", "0", "--warmup", "0",
            "--arrival", "spike", "--report", "out/run1"]);

        Assert.Equal((new Uri("http://10.0.0.5:8080"), 20000, 60.0), (options.Url, options.Applicants, options.Seconds));
        Assert.Equal(("root", "pa:ss", 0, 0), (options.AdminUsername, options.AdminPassword, options.SmsDelaySeconds, options.Warmup));
        Assert.Equal((Scenario.Surge, ArrivalPattern.Spike, "out/run1"), (options.Scenario, options.Arrival, options.ReportPrefix));
        var draws = LoadOptions.Parse(["--scenario", "Draws", "--concurrency", "32"]);
        Assert.Equal((Scenario.Draws, 32), (draws.Scenario, draws.Concurrency));
        var defaults = LoadOptions.Parse([]);
        Assert.Equal(new LoadOptions(), defaults);
        Assert.Equal((Scenario.Surge, ArrivalPattern.Even, 64, (string?)null), (defaults.Scenario, defaults.Arrival, defaults.Concurrency, defaults.ReportPrefix));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--applicants", "0"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--applicants"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--warmup", "-1"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--speed", "11"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--arrival", "burst"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--scenario", "1"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--concurrency", "0"]));
        Assert.Throws<FormatException>(() => LoadOptions.Parse(["--seconds", "soon"]));
        Assert.Equal(3, LoadOptions.Parse(["--busy-retries", "3"]).BusyRetries);
        Assert.Equal(0, defaults.BusyRetries);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--busy-retries", "-1"]));
        Assert.Equal(4242, LoadOptions.Parse(["--server-pid", "4242"]).ServerPid);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--server-pid", "0"]));
        Assert.Equal("postgres", LoadOptions.Parse(["--database-process", "postgres"]).DatabaseProcess);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--database-process", ""]));
        Assert.Equal("/tmp/go", LoadOptions.Parse(["--start-file", "/tmp/go"]).StartFile);
        Assert.Null(defaults.StartFile);
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--start-file", ""]));
    }

    /// <summary>Load tools started with <c>--start-file</c> begin their measured runs together, once the file appears.</summary>
    [Fact]
    public async Task TheMeasuredRunWaitsForTheStartFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"plateorleans-start-{Guid.NewGuid():N}");
        var waiting = LoadRun.WhenExistsAsync(path);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        await File.WriteAllTextAsync(path, "");
        try
        {
            await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The server's CPU time is read from /proc: this process's own grows as it works; a gone process reads as unknown.</summary>
    [Fact]
    public void TheServersCpuTimeIsReadFromProcAndGrowsWithWork()
    {
        var pid = Environment.ProcessId;
        var before = ProcessCpu.Read(pid);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var used = self.TotalProcessorTime;
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.Elapsed < TimeSpan.FromSeconds(20) && Refreshed(self).TotalProcessorTime - used < TimeSpan.FromMilliseconds(300))
        {
            _ = Math.Sqrt(spin.ElapsedTicks);
        }

        var after = ProcessCpu.Read(pid);
        Assert.NotNull(before);
        Assert.True(after - before >= 0.2, $"{before} s then {after} s");
        Assert.Null(ProcessCpu.Read(int.MaxValue));

        // By name: every process so named, this one included; none so named reads as unknown.
        var name = File.ReadAllText("/proc/self/comm").TrimEnd('\n');
        Assert.True(ProcessCpu.ReadAll(name) >= after, $"{name}: {ProcessCpu.ReadAll(name)} s, this process {after} s");
        Assert.Null(ProcessCpu.ReadAll("no-such-process"));
        var cpu = new ProcessCpu(Seconds: 2, WallSeconds: 4, Requests: 1000);
        Assert.Equal((2.0, 0.5), (cpu.MillisecondsPerRequest, cpu.Cores));

        static System.Diagnostics.Process Refreshed(System.Diagnostics.Process process)
        {
            process.Refresh();
            return process;
        }
    }

    [Fact]
    public async Task ARequestRefusedForOverloadIsSentAgainAfterTheWaitAskedForWithTheSameIdempotencyKey()
    {
        var server = new BusyTwice();
        using var http = new HttpClient(server) { BaseAddress = new Uri("http://load.test") };

        var answer = await new LoadApi(http, busyRetries: 2).SendAsync("POST /x", HttpMethod.Post, "/x", 200, idempotent: true);

        Assert.Equal("ok", answer.GetProperty("status").GetString());
        Assert.Equal(3, server.Keys.Count);
        Assert.Single(server.Keys.Distinct());
        var refused = new LoadApi(http, busyRetries: 1);
        server.Keys.Clear();
        var e = await Assert.ThrowsAsync<UnexpectedAnswerException>(() => refused.SendAsync("POST /x", HttpMethod.Post, "/x", 200, idempotent: true));
        Assert.Equal(503, e.Status);
        Assert.Equal(2, server.Keys.Count);
    }

    /// <summary>A server that refuses every request with 503 and Retry-After: 0, except each third, which it answers.</summary>
    private sealed class BusyTwice : HttpMessageHandler
    {
        public List<string?> Keys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.Single() : null);
            if (Keys.Count % 3 == 0)
            {
                return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("{\"status\":\"ok\"}") });
            }

            var busy = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{\"code\":\"unavailable\"}") };
            busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return Task.FromResult(busy);
        }
    }

    [Fact]
    public void ASpikeBringsHalfTheApplicantsWithinTheFirstQuarterAndTheRestEvenlyAfter()
    {
        var window = TimeSpan.FromSeconds(60);

        var spike = Arrivals.Schedule(1000, window, ArrivalPattern.Spike);
        var even = Arrivals.Schedule(1000, window, ArrivalPattern.Even);

        Assert.Equal(500, spike.Count(t => t < window / 4));
        Assert.Equal(500, spike.Count(t => t >= window / 4 && t < window));
        Assert.Equal(spike.Order(), spike);
        // The rest at 22.2 per second (500 over 45 s), as the first half came at 33.3 per second (500 over 15 s).
        Assert.Equal(TimeSpan.FromSeconds(45.0 / 500), spike[501] - spike[500]);
        Assert.Equal(TimeSpan.FromSeconds(15.0 / 500), spike[1] - spike[0]);
        Assert.Equal(250, even.Count(t => t < window / 4));
        Assert.Equal(TimeSpan.FromSeconds(0.06), even[1] - even[0]);
        Assert.Single(Arrivals.Schedule(1, window, ArrivalPattern.Spike));
    }

    [Fact]
    public void TheInvariantCheckCatchesANumberGivenTwiceAVehicleWithTwoNumbersAConfirmationOutsideTheLedgerAndCountsThatDoNotAddUp()
    {
        IReadOnlyList<AssignedNumber> ledger = [new("冀AD00001", "VIN1"), new("冀AD00002", "VIN2"), new("冀AD00003", "VIN3")];
        IReadOnlyList<SeriesCount> pool = [new("small D", Total: 100, Available: 90, Held: 7, Reserved: 3, Issued: 0)];
        var confirmed = new Dictionary<string, string> { ["VIN1"] = "冀AD00001", ["VIN3"] = "冀AD00003" };
        Assert.Empty(Invariants.Check(ledger, pool, confirmed).Broken);

        var doubled = Invariants.Check([.. ledger, new("冀AD00002", "VIN4")], [pool[0] with { Available = 89, Reserved = 4 }], confirmed);
        var twoNumbers = Invariants.Check([.. ledger, new("冀AD00004", "VIN3")], [pool[0] with { Available = 89, Reserved = 4 }], confirmed);
        var lost = Invariants.Check(ledger, pool, new Dictionary<string, string>(confirmed) { ["VIN5"] = "冀AD00005" });
        var miscounted = Invariants.Check(ledger, [pool[0] with { Held = 8 }, new("large D", 10, 10, 0, 1, 0)], confirmed);

        Assert.Equal("1 numbers assigned more than once, e.g. 冀AD00002 to VIN2, VIN4", Assert.Single(doubled.Broken));
        Assert.Equal("1 vehicles with more than one number, e.g. VIN3 has 冀AD00003, 冀AD00004", Assert.Single(twoNumbers.Broken));
        Assert.Equal("1 confirmations answered 200 but are not in the assignments, e.g. 冀AD00005 for VIN5", Assert.Single(lost.Broken));
        Assert.Equal(3, miscounted.Broken.Count);
        Assert.Contains(miscounted.Broken, b => b.StartsWith("series small D: total 100", StringComparison.Ordinal));
        Assert.Contains(miscounted.Broken, b => b.StartsWith("series large D: total 10", StringComparison.Ordinal));
        Assert.Contains("the pool counts 4 numbers reserved or issued, the assignments 3", miscounted.Broken);
    }

    [Theory]
    [InlineData("""[{"phone":"19001000001","text":"【车管所】验证码 482913，5 分钟内有效。","sentAt":"2026-12-03T07:25:42.123Z"}]""")]
    [InlineData("""[{"to":"19001000001","body":"Your code is 482913","at":"2026-12-03T07:25:42Z"},{"body":"Your code is 111111"}]""")]
    [InlineData("""["482913 is your code"]""")]
    public void TheCodeIsTheNewestMessagesSixDigitsWhateverTheMessagesFieldsAreCalled(string outbox)
    {
        var newest = System.Text.Json.JsonDocument.Parse(outbox).RootElement[0];

        Assert.Equal("482913", SelectionSteps.CodeIn(newest));
    }

    [Fact]
    public void PercentilesComeFromAHistogramOfEveryAnswer()
    {
        var metrics = new Metrics();
        for (var ms = 1; ms <= 100; ms++)
        {
            metrics.Record("GET /x", 200, expected: true, TimeSpan.FromMilliseconds(ms));
        }

        metrics.Record("GET /x", 503, expected: false, TimeSpan.FromSeconds(2));

        var row = Assert.Single(metrics.Rows());
        Assert.Equal((101L, 1L, 100L, 1L), (row.Count, row.Unexpected, row.Statuses[200], row.Statuses[503]));
        // Nearest rank over 101 answers: the 51st and the 100th, within the histogram's 3 significant digits.
        Assert.Equal(51, row.P50, 0.1);
        Assert.Equal(100, row.P99, 0.1);
        Assert.Equal(2000, row.Max, 2.0);
        Assert.Equal(1, metrics.ServerErrors);
        Assert.Equal(101, metrics.TakeInterval().TotalCount);
        Assert.Equal(0, metrics.TakeInterval().TotalCount);
    }
}
