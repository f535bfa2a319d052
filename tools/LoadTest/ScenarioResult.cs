namespace PlateOrleans.LoadTest;

/// <summary>How a scenario went: who finished, who did not and why, every endpoint's answers and times, the confirmed numbers.</summary>
public sealed record ScenarioResult(
    int Applicants,
    int Finished,
    IReadOnlyDictionary<string, int> Failures,
    TimeSpan ArrivalWindow,
    TimeSpan Duration,
    IReadOnlyList<EndpointRow> Endpoints,
    int ServerErrors,
    int SmsTooEarly,
    int SmsTooEarlyAccepted,
    IReadOnlyDictionary<string, string> Confirmed)
{
    /// <summary>Applicants finished per second of the run (from the first arrival to the last answer).</summary>
    public double FinishedPerSecond => Duration > TimeSpan.Zero ? Finished / Duration.TotalSeconds : 0;

    public static ScenarioResult Of(Metrics metrics, int applicants, TimeSpan arrivalWindow, TimeSpan duration) =>
        new(applicants, metrics.Finished, new Dictionary<string, int>(metrics.Failures), arrivalWindow, duration, metrics.Rows(),
            metrics.ServerErrors, metrics.SmsTooEarly, metrics.SmsTooEarlyAccepted, new Dictionary<string, string>(metrics.Confirmed));
}
