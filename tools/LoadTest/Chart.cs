using ScottPlot;

namespace PlateOrleans.LoadTest;

/// <summary>
/// The run over time in one picture: applicants finished per second (left axis) and the p99 of each second's requests
/// (right axis); for the surge also the arrivals per second, dashed, to show the spike the server met.
/// </summary>
public static class Chart
{
    public const int Width = 1200;
    public const int Height = 600;

    public static void Save(RunReport report, string path)
    {
        var plot = new Plot();
        var seconds = report.Timeline.Select(p => p.Seconds).ToArray();

        var finished = plot.Add.Scatter(seconds, report.Timeline.Select(p => p.FinishedPerSecond).ToArray());
        finished.LegendText = "finished per second";
        finished.LineWidth = 2;
        finished.MarkerSize = 0;

        if (report.Options.Scenario == Scenario.Surge)
        {
            var arrived = plot.Add.Scatter(seconds, report.Timeline.Select(p => p.ArrivedPerSecond).ToArray());
            arrived.LegendText = "arrived per second";
            arrived.LinePattern = LinePattern.Dashed;
            arrived.MarkerSize = 0;
            arrived.Color = finished.Color.WithAlpha(0.6);
        }

        // Seconds without a request have no p99: left out rather than drawn as zero.
        var timed = report.Timeline.Where(p => p.P99Milliseconds is not null).ToArray();
        var p99 = plot.Add.Scatter(timed.Select(p => p.Seconds).ToArray(), timed.Select(p => p.P99Milliseconds!.Value).ToArray());
        p99.LegendText = "p99 of the second's requests (ms)";
        p99.LineWidth = 2;
        p99.MarkerSize = 3;
        p99.Axes.YAxis = plot.Axes.Right;

        plot.Title(report.Title);
        plot.Axes.Bottom.Label.Text = "seconds since the run started";
        plot.Axes.Left.Label.Text = "applicants per second";
        plot.Axes.Right.Label.Text = "p99 (ms)";
        plot.Axes.Left.Label.ForeColor = finished.Color;
        plot.Axes.Right.Label.ForeColor = p99.Color;
        plot.Axes.SetLimitsY(bottom: 0, top: Math.Max(1, LeftAxisTop(report) * 1.1), plot.Axes.Left);
        plot.Axes.SetLimitsY(bottom: 0, top: Math.Max(1, timed.Select(p => p.P99Milliseconds!.Value).DefaultIfEmpty(0).Max() * 1.1), plot.Axes.Right);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    private static double LeftAxisTop(RunReport report) =>
        report.Timeline.Select(p => report.Options.Scenario == Scenario.Surge ? Math.Max(p.FinishedPerSecond, p.ArrivedPerSecond) : p.FinishedPerSecond)
            .DefaultIfEmpty(0).Max();
}
