using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static PlateOrleans.Testing.ApiDriver;

namespace PlateOrleans.ClusterTests;

/// <summary>PostgreSQL goes away for a few seconds under load: clean "try again" answers meanwhile, then business as usual.</summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private const int Applicants = 200;
    private static readonly TimeSpan _outage = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task WhilePostgreSqlIsStoppedRequestsAnswer503PromptlyAndAfterwardsEveryoneConfirmsWithNothingLost()
    {
        await using var cluster = await PlateCluster.StartAsync(silos: 2);
        var api = new ApiDriver(cluster.Api);
        var office = await api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, batchSeconds = 900, backupSeconds = 900 });
        var applicants = await Rush.ApplicantsWithABackupAsync(api, office, Applicants);

        // Load: every applicant reads their selection and the pool and tries to confirm, over and over, until confirmed.
        // They start together; the database stops once a quarter of them are through and starts again five seconds later.
        var answers = new ConcurrentBag<Answer>();
        var acknowledged = new ConcurrentDictionary<string, string>();
        var stopped = new TaskCompletionSource();
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var load = applicants.Select((a, i) => Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20 * i));
            while (!acknowledged.ContainsKey(a.Vin) && !stopLoad.IsCancellationRequested)
            {
                await SendAsync(answers, "read", () => a.Citizen.Client.GetAsync(SelectionPath(a.Vin)));
                await SendAsync(answers, "pool", () => api.Anonymous().GetAsync($"/api/v1/offices/{office}/pool"));
                var confirm = await SendAsync(answers, "confirm", () => a.Citizen.Client.PostAsJsonAsync(SelectionPath(a.Vin, "confirmation"), new { plate = a.Backup }));
                if (confirm == HttpStatusCode.OK)
                {
                    acknowledged[a.Vin] = a.Backup;
                    if (acknowledged.Count >= Applicants / 4)
                    {
                        stopped.TrySetResult();
                    }
                }
                else
                {
                    await Task.Delay(100);
                }
            }
        })).ToList();

        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // "During" runs from the moment the stop is asked for to the moment the start is asked for.
        var down = DateTime.UtcNow;
        await cluster.Database.StopAsync();
        var acknowledgedBefore = acknowledged.Count;
        await Task.Delay(_outage);
        var up = DateTime.UtcNow;
        await cluster.Database.StartAsync();
        await Task.WhenAll(load);

        var during = answers.Where(a => a.SentAt >= down && a.SentAt < up).ToList();
        foreach (var group in answers.GroupBy(a => (Phase: a.SentAt < down ? "before" : a.SentAt < up ? "during" : "after", a.Step, a.Status)).OrderBy(g => g.Key))
        {
            output.WriteLine($"{group.Key.Phase,-6} {group.Key.Step,-7} {(int)group.Key.Status} x {group.Count(),5}, slowest {group.Max(a => a.Seconds):0.00} s");
        }

        // What the silos had to say about it (membership changes, storage errors), for whoever reads a failure.
        foreach (var silo in cluster.Silos)
        {
            output.WriteLine(silo.Summary());
        }

        // Meanwhile: answers, or a clean 503 "try again" within seconds; never another server error, never a hang.
        Assert.All(answers, a => Assert.True(
            (int)a.Status < 500 || (a.Status == HttpStatusCode.ServiceUnavailable && a.Code == "unavailable"),
            $"{a.Step} answered {(int)a.Status} {a.Code}"));
        Assert.Contains(during, a => a.Status == HttpStatusCode.ServiceUnavailable);
        Assert.All(answers, a => Assert.True(a.Seconds < 6, $"{a.Step} took {a.Seconds:0.0} s ({(int)a.Status})"));
        Assert.True(acknowledgedBefore < Applicants, "everyone had confirmed before the database stopped: the test proved nothing");

        // Afterwards, with nobody restarted: everyone confirmed, as answered, each number once.
        Assert.Equal(Applicants, acknowledged.Count);
        Assert.True(cluster.Silos.All(s => !s.HasExited), cluster.ToString());
        await cluster.WaitForActiveAsync(2);
        var ledger = await cluster.LiveLedgerAsync(office);
        Assert.Equal(acknowledged.Select(a => (a.Value, a.Key)).Order(), ledger.Order());
        Assert.Equal(Applicants, ledger.Select(r => r.Plate).Distinct().Count());
    }

    private sealed record Answer(string Step, HttpStatusCode Status, string? Code, DateTime SentAt, double Seconds);

    private static async Task<HttpStatusCode> SendAsync(ConcurrentBag<Answer> answers, string step, Func<Task<HttpResponseMessage>> send)
    {
        var sentAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        using var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            code = Rush.Code(JsonDocument.Parse(body).RootElement);
        }

        answers.Add(new Answer(step, response.StatusCode, code, sentAt, clock.Elapsed.TotalSeconds));
        return response.StatusCode;
    }
}
