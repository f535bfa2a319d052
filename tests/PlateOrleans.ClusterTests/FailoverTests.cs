using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using PlateOrleans.Contracts;
using static PlateOrleans.Testing.ApiDriver;

namespace PlateOrleans.ClusterTests;

/// <summary>A silo crashes in the middle of an opening-day rush: nothing acknowledged is lost, nothing is given twice.</summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Applicants = 500;

    [SkippableFact]
    public async Task KillingTheSiloOfThePoolWhile500ApplicantsConfirmLosesNoAcknowledgedConfirmationAndTheSurvivorsServeOn()
    {
        await using var cluster = await PlateCluster.StartAsync(silos: 3, quickFailureDetection: true);
        var api = new ApiDriver(cluster.Api);
        var office = await api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, batchSeconds = 900, backupSeconds = 900 });
        var applicants = await Rush.ApplicantsWithABackupAsync(api, office, Applicants);

        // The silo that runs the office's pool: the worst one to lose while confirmations are being written.
        var grains = cluster.Api.Services.GetRequiredService<IGrainFactory>();
        var poolHost = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grains.GetGrain<IPlatePoolGrain>(office));
        var victim = cluster.Silos.Single(s => s.SiloPort == poolHost!.Endpoint.Port);

        var acknowledged = new ConcurrentDictionary<string, string>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var answeredAfter = new ConcurrentBag<(HttpStatusCode Status, double Seconds, DateTime At)>();
        var killAfter = new TaskCompletionSource();
        using var go = new SemaphoreSlim(0);
        // They arrive over about two seconds, all in flight together, so that the crash lands in the middle of the stream.
        var confirmations = applicants.Select(async (a, i) =>
        {
            await go.WaitAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(4 * i));
            var sent = DateTime.UtcNow;
            var response = await ConfirmAsync(a);
            statuses.Add(response.StatusCode);
            answeredAfter.Add((response.StatusCode, (DateTime.UtcNow - sent).TotalSeconds, sent));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged[a.Vin] = a.Backup;
                if (acknowledged.Count >= Applicants / 5)
                {
                    killAfter.TrySetResult();
                }
            }
        }).ToList();
        go.Release(Applicants);
        await Task.WhenAny(killAfter.Task, Task.WhenAll(confirmations));
        await victim.KillAsync();
        var killedAt = acknowledged.Count;
        var killTime = DateTime.UtcNow;
        await Task.WhenAll(confirmations);
        output.WriteLine($"{killedAt} confirmed when the pool's silo was killed; {acknowledged.Count} acknowledged, {statuses.Count(s => s == HttpStatusCode.ServiceUnavailable)} answered 503");
        foreach (var g in answeredAfter.GroupBy(a => (a.Status, Sent: (int)Math.Round((a.At - killTime).TotalSeconds))).OrderBy(g => g.Key.Sent))
        {
            output.WriteLine($"sent {g.Key.Sent:+0;-0;0} s from the kill: {g.Count()} x {(int)g.Key.Status}, answered in {g.Min(a => a.Seconds):0.0}-{g.Max(a => a.Seconds):0.0} s");
        }

        // During the failover an answer is a confirmation or a clean "try again", never a server error of another kind.
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.True(acknowledged.Count < Applicants, "the silo was killed after every confirmation had answered: the test proved nothing");

        // Everything acknowledged before, during and after the crash is in the ledger as it was answered.
        await cluster.WaitForActiveAsync(2);
        var ledger = await cluster.LiveLedgerAsync(office);
        Assert.Equal(ledger.Count, ledger.Select(r => r.Plate).Distinct().Count());
        Assert.Equal(ledger.Count, ledger.Select(r => r.Vin).Distinct().Count());
        var byVin = ledger.ToDictionary(r => r.Vin, r => r.Plate);
        Assert.All(acknowledged, a => Assert.Equal(a.Value, byVin.GetValueOrDefault(a.Key)));

        // The two survivors serve on: every applicant whose confirmation failed confirms on a retry (their backup was
        // held again when their selection came back), and every selection agrees with the ledger.
        await Parallel.ForEachAsync(applicants.Where(a => !acknowledged.ContainsKey(a.Vin)), Rush.Parallelism, async (a, _) =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var response = await ConfirmAsync(a);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                Assert.True(DateTime.UtcNow < deadline, $"{a.Vin} does not confirm 60 s after the failover: {answer}");
                await Task.Delay(200);
            }
        });
        ledger = await cluster.LiveLedgerAsync(office);
        Assert.Equal(Applicants, ledger.Count);
        Assert.Equal(applicants.Select(a => (a.Backup, a.Vin)).Order(), ledger.Order());
        await Parallel.ForEachAsync(applicants, Rush.Parallelism, async (a, _) =>
        {
            var view = await ViewAsync(a.Citizen, a.Vin);
            Assert.Equal("completed", view.GetProperty("stage").GetString());
            Assert.Equal(a.Backup, view.GetProperty("selected").GetProperty("plate").GetString());
        });
        var series = (await api.PoolAsync(office)).GetProperty("series")[0];
        Assert.Equal(Applicants, series.GetProperty("reserved").GetInt32());
    }

    private static Task<HttpResponseMessage> ConfirmAsync(Rush.Applicant applicant) =>
        applicant.Citizen.Client.PostAsJsonAsync(SelectionPath(applicant.Vin, "confirmation"), new { plate = applicant.Backup });
}

/// <summary>Many applicants brought to the point where confirming is all that is left.</summary>
internal static class Rush
{
    public static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 32 };

    public sealed record Applicant(Citizen Citizen, string Vin, string Backup);

    /// <summary>Registers <paramref name="count"/> citizens with a car each (one import), walks each to drawing, draws once and keeps the first number.</summary>
    public static async Task<List<Applicant>> ApplicantsWithABackupAsync(ApiDriver api, string office, int count)
    {
        var citizens = new ConcurrentBag<Citizen>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), Parallelism, async (_, _) => citizens.Add(await api.RegisterAsync(office)));
        var vehicles = citizens.Select(c => new { vin = NewVin(), currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = c.IdNumber, ownerPhone = c.Phone }).ToList();
        var imported = await Expect(HttpStatusCode.OK, (await api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{office}/vehicles", vehicles));
        Assert.Equal(count, imported.GetProperty("imported").GetInt32());

        var applicants = new ConcurrentBag<Applicant>();
        await Parallel.ForEachAsync(citizens.Zip(vehicles), Parallelism, async (pair, _) =>
        {
            var (citizen, vehicle) = pair;
            await api.WalkToDrawingAsync(citizen, vehicle.vin);
            var plates = await DrawAsync(citizen, vehicle.vin);
            await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vehicle.vin, "backups"), new { plate = plates[0] }));
            applicants.Add(new Applicant(citizen, vehicle.vin, plates[0]));
        });
        return [.. applicants];
    }

    public static string? Code(JsonElement problem) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var code) ? code.GetString() : null;
}
