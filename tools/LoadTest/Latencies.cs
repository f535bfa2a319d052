using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace PlateOrleans.LoadTest;

/// <summary>Every request's answer and time, by endpoint; summarised once the run is over.</summary>
public sealed class Latencies
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Sample>> _byEndpoint = new();

    public readonly record struct Sample(int Status, double Milliseconds);

    /// <summary>One row of the summary: how often an endpoint answered, how many answers were not the expected one, and how fast.</summary>
    public sealed record Row(string Endpoint, int Count, int Unexpected, double P50, double P95, double P99, double Max);

    public void Add(string endpoint, int status, bool expected, double milliseconds)
    {
        _byEndpoint.GetOrAdd(endpoint, _ => new ConcurrentQueue<Sample>()).Enqueue(new Sample(expected ? status : -status, milliseconds));
    }

    public IReadOnlyList<Row> Summarise() =>
        [.. _byEndpoint.Select(e => Summarise(e.Key, [.. e.Value])).OrderBy(r => r.Endpoint, StringComparer.Ordinal)];

    /// <summary>The answers with a 5xx status, over all endpoints.</summary>
    public int ServerErrors => _byEndpoint.Values.Sum(q => q.Count(s => Math.Abs(s.Status) >= 500));

    public static string Format(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"endpoint",-34} | {"requests",8} | {"unexpected",10} | {"p50 ms",7} | {"p95 ms",7} | {"p99 ms",7} | {"max ms",7} |");
        text.AppendLine($"| {new string('-', 34)} | {new string('-', 8)}:| {new string('-', 10)}:| {new string('-', 7)}:| {new string('-', 7)}:| {new string('-', 7)}:| {new string('-', 7)}:|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Endpoint,-34} | {r.Count,8} | {r.Unexpected,10} | {r.P50,7:0.0} | {r.P95,7:0.0} | {r.P99,7:0.0} | {r.Max,7:0.0} |");
        }

        return text.ToString();
    }

    private static Row Summarise(string endpoint, Sample[] samples)
    {
        var times = samples.Select(s => s.Milliseconds).Order().ToArray();
        return new Row(endpoint, samples.Length, samples.Count(s => s.Status < 0), Percentile(times, 0.50), Percentile(times, 0.95), Percentile(times, 0.99), times[^1]);
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value that at least <paramref name="p"/> of them do not exceed.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
