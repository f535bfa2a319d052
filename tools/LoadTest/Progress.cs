using System.Diagnostics;
using System.Globalization;

namespace PlateOrleans.LoadTest;

/// <summary>One second of a run: where the applicants were at its end, and what the server did during it.</summary>
public sealed record TimelinePoint(
    double Seconds,
    int Arrived,
    int InFlight,
    int Finished,
    int Failed,
    int Unexpected,
    double ArrivedPerSecond,
    double FinishedPerSecond,
    double RequestsPerSecond,
    double? P99Milliseconds);

/// <summary>
/// Prints a line every second while a run goes on (arrived, in flight, finished, failed, unexpected answers, finished
/// and requests per second, the p99 of the requests answered in that second) and keeps each as a
/// <see cref="TimelinePoint"/> for the report. Plain lines, no cursor movement: they read the same in a terminal, a
/// file and a CI log.
/// </summary>
public sealed class Progress
{
    private readonly Metrics _metrics;
    private readonly string _label;
    private readonly int _applicants;
    private readonly TextWriter _output;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimelinePoint> _timeline = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticking;
    private TimeSpan _last;
    private int _lastArrived, _lastFinished;
    private long _lastRequests;

    private Progress(Metrics metrics, string label, int applicants, TextWriter output)
    {
        _metrics = metrics;
        _label = label;
        _applicants = applicants;
        _output = output;
        _metrics.TakeInterval();
        _ticking = TickAsync();
    }

    /// <summary>Starts printing: the first line a second from now.</summary>
    public static Progress Start(Metrics metrics, string label, int applicants, TextWriter output) => new(metrics, label, applicants, output);

    /// <summary>Stops, with a last line for the part of a second since the previous one; returns every second of the run.</summary>
    public async Task<IReadOnlyList<TimelinePoint>> StopAsync()
    {
        await _stop.CancelAsync();
        await _ticking;
        // Always: what finished after the last tick belongs in the report, however short that last part of a second.
        Sample();

        _stop.Dispose();
        return _timeline;
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        var now = _clock.Elapsed;
        var seconds = Math.Max((now - _last).TotalSeconds, 0.001);
        var interval = _metrics.TakeInterval();
        var (arrived, finished, requests) = (_metrics.Arrived, _metrics.Finished, _metrics.Requests);
        var point = new TimelinePoint(
            Math.Round(now.TotalSeconds, 3),
            arrived,
            _metrics.InFlight,
            finished,
            _metrics.Failed,
            _metrics.Unexpected,
            (arrived - _lastArrived) / seconds,
            (finished - _lastFinished) / seconds,
            (requests - _lastRequests) / seconds,
            interval.TotalCount > 0 ? Metrics.Milliseconds(interval, 99) : null);
        (_last, _lastArrived, _lastFinished, _lastRequests) = (now, arrived, finished, requests);
        _timeline.Add(point);
        _output.WriteLine(Line(point));
    }

    private string Line(TimelinePoint p) => string.Create(CultureInfo.InvariantCulture,
        $"[{_label}] {p.Seconds,6:0.0} s  arrived {p.Arrived}/{_applicants}  in flight {p.InFlight}  finished {p.Finished}  failed {p.Failed}  unexpected {p.Unexpected}  finished/s {p.FinishedPerSecond,6:0.0}  requests/s {p.RequestsPerSecond,6:0}  p99 {(p.P99Milliseconds is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-")}");
}
