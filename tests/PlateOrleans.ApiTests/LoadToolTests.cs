using PlateOrleans.LoadTest;
using PlateOrleans.Testing;

namespace PlateOrleans.ApiTests;

/// <summary>The surge simulator of tools/LoadTest, small, against the API in memory: it walks the flow the API really has.</summary>
[Collection(ApiCollection.Name)]
public sealed class LoadToolTests(ApiFactory factory)
{
    private const int Applicants = 40;

    [Fact]
    public async Task ASmallSurgeWalksEveryApplicantThroughTheWholeFlowAndEachReservesOneNumber()
    {
        var options = new LoadOptions { Applicants = Applicants, Seconds = 1, Office = ApiDriver.NewOfficeCode(), SmsDelaySeconds = 0 };
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

        var report = await new Surge(new LoadApi(http), options).RunAsync(applicants);

        Assert.Empty(report.Failures);
        Assert.Equal(Applicants, report.Completed);
        Assert.Equal(0, report.ServerErrors);
        Assert.Equal(11, report.Endpoints.Count);
        Assert.All(report.Endpoints, e => Assert.Equal((e.Endpoint, Applicants, 0), (e.Endpoint, e.Count, e.Unexpected)));
        var series = (await new ApiDriver(factory).PoolAsync(options.Office)).GetProperty("series")[0];
        Assert.Equal(Applicants, series.GetProperty("reserved").GetInt32());
        Assert.Equal(0, series.GetProperty("held").GetInt32());
    }

    [Fact]
    public void TheCommandLineSetsEachOptionAndRefusesWhatItDoesNotKnow()
    {
        var options = LoadOptions.Parse(["--url", "http://10.0.0.5:8080", "--applicants", "20000", "--seconds", "60", "--admin", "root:pa:ss", "--sms-delay", "0", "--warmup", "0"]);

        Assert.Equal((new Uri("http://10.0.0.5:8080"), 20000, 60.0), (options.Url, options.Applicants, options.Seconds));
        Assert.Equal(("root", "pa:ss", 0, 0), (options.AdminUsername, options.AdminPassword, options.SmsDelaySeconds, options.Warmup));
        Assert.Equal(new LoadOptions(), LoadOptions.Parse([]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--applicants", "0"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--applicants"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--warmup", "-1"]));
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["--speed", "11"]));
        Assert.Throws<FormatException>(() => LoadOptions.Parse(["--seconds", "soon"]));
    }

    [Theory]
    [InlineData(0.50, 50)]
    [InlineData(0.99, 99)]
    [InlineData(1.00, 100)]
    [InlineData(0.001, 1)]
    public void PercentilesAreNearestRank(double p, double expected)
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(expected, Latencies.Percentile(values, p));
        Assert.Equal(7, Latencies.Percentile([7], p));
    }
}
