using System.Diagnostics;
using System.Globalization;
using PlateOrleans.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = options.Url,
    Timeout = TimeSpan.FromSeconds(60),
};

Console.WriteLine($"PlateOrleans load test: {options.Applicants} applicants arriving over {options.Seconds} s at {options.Url}, office {options.Office}");
var clock = Stopwatch.StartNew();
var setup = new LoadApi(http);
var preparation = new Preparation(setup, options);
IReadOnlyList<Applicant> warmup, applicants;
try
{
    var admin = await preparation.AdminTokenAsync();
    await preparation.CreateOfficeAsync(admin);
    warmup = await preparation.ApplicantsAsync(admin, options.Warmup);
    applicants = await preparation.ApplicantsAsync(admin, options.Applicants);
}
catch (Exception e) when (e is UnexpectedAnswerException or HttpRequestException or InvalidOperationException)
{
    Console.Error.WriteLine($"Preparing failed: {e.Message}");
    return 1;
}

Console.WriteLine($"Prepared {warmup.Count + applicants.Count} applicants (registered, signed in, cars imported) in {clock.Elapsed.TotalSeconds:0} s.");
if (warmup.Count > 0)
{
    var warm = await new Surge(new LoadApi(http), options with { Seconds = options.WarmupSeconds }).RunAsync(warmup);
    Console.WriteLine($"Warm-up: {warm.Completed} of {warm.Applicants} completed over {warm.Duration.TotalSeconds:0.0} s (not counted below).");
}

var report = await new Surge(new LoadApi(http), options).RunAsync(applicants);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Surge: {report.Completed} of {report.Applicants} completed the whole flow; arrivals over {report.ArrivalWindow.TotalSeconds:0.0} s, last finished after {report.Duration.TotalSeconds:0.0} s; {report.ServerErrors} server errors."));
foreach (var (failure, count) in report.Failures.OrderByDescending(f => f.Value))
{
    Console.WriteLine($"  failed: {count} x {failure}");
}

Console.WriteLine();
Console.Write(Latencies.Format(report.Endpoints));
return report.Completed == report.Applicants && report.ServerErrors == 0 ? 0 : 1;
