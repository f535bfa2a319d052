using System.Collections.Concurrent;
using HdrHistogram;

namespace PlateOrleans.LoadTest;

/// <summary>One endpoint's answers over a run: how many, which statuses, how many were not the expected one, and how fast (ms).</summary>
public sealed record EndpointRow(
    string Endpoint, long Count, long Unexpected, IReadOnlyDictionary<int, long> Statuses, double P50, double P90, double P99, double P999, double Max);

/// <summary>
/// What one run measured as it goes: every request's status and time by endpoint (HdrHistogram, in microseconds), the
/// times of the last interval over all endpoints (for the live p99), and where the applicants are. Thread-safe.
/// </summary>
public sealed class Metrics
{
    /// <summary>Ten minutes, in microseconds: far above the client's timeout, so that nothing is clipped.</summary>
    private const long HighestMicroseconds = 600_000_000;
    private const int SignificantDigits = 3;

    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly Recorder _interval = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(SignificantDigits)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _confirmed = new(StringComparer.Ordinal);
    private int _arrived, _inFlight, _finished, _failed, _unexpected, _serverErrors, _smsTooEarly, _smsTooEarlyAccepted;
    private long _requests;

    public int Arrived => Volatile.Read(ref _arrived);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Finished => Volatile.Read(ref _finished);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Answers other than the one the flow expected, no answer at all included.</summary>
    public int Unexpected => Volatile.Read(ref _unexpected);

    /// <summary>Answers with a 5xx status: a bug, by the contract.</summary>
    public int ServerErrors => Volatile.Read(ref _serverErrors);

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>
    /// Verifications sent at or after the <c>confirmEnabledAt</c> the server announced and answered 425
    /// <c>sms_too_early</c>: the server's bug, by the contract.
    /// </summary>
    public int SmsTooEarly => Volatile.Read(ref _smsTooEarly);

    /// <summary>Of <see cref="SmsTooEarly"/>, those accepted on the one retry 250 ms later.</summary>
    public int SmsTooEarlyAccepted => Volatile.Read(ref _smsTooEarlyAccepted);

    /// <summary>Why applicants stopped (endpoint, status and code), and how many stopped there.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>Every confirmation that answered 200: the plate each vehicle was told it has.</summary>
    public IReadOnlyDictionary<string, string> Confirmed => _confirmed;

    public void Record(string endpoint, int status, bool expected, TimeSpan elapsed)
    {
        var microseconds = Math.Clamp(elapsed.Ticks / TimeSpan.TicksPerMicrosecond, 1, HighestMicroseconds);
        _endpoints.GetOrAdd(endpoint, _ => new Endpoint()).Record(status, expected, microseconds);
        _interval.RecordValue(microseconds);
        Interlocked.Increment(ref _requests);
        if (!expected)
        {
            Interlocked.Increment(ref _unexpected);
        }

        if (status >= 500)
        {
            Interlocked.Increment(ref _serverErrors);
        }
    }

    public void Arrive()
    {
        Interlocked.Increment(ref _arrived);
        Interlocked.Increment(ref _inFlight);
    }

    public void Finish()
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _finished);
    }

    public void Fail(string reason)
    {
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Increment(ref _failed);
        _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    public void Confirm(string vin, string plate) => _confirmed[vin] = plate;

    public void SmsTooEarlyAnswered() => Interlocked.Increment(ref _smsTooEarly);

    public void SmsTooEarlyAcceptedOnRetry() => Interlocked.Increment(ref _smsTooEarlyAccepted);

    /// <summary>The times recorded since the last call, over all endpoints; the interval starts again.</summary>
    public HistogramBase TakeInterval() => _interval.GetIntervalHistogram();

    /// <summary>Every endpoint's row, by name.</summary>
    public IReadOnlyList<EndpointRow> Rows() =>
        [.. _endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.Row(e.Key))];

    /// <summary>A percentile of a histogram of microseconds, in milliseconds.</summary>
    public static double Milliseconds(HistogramBase histogram, double percentile) =>
        histogram.GetValueAtPercentile(percentile) / 1000.0;

    private sealed class Endpoint
    {
        private readonly LongConcurrentHistogram _times = new(1, HighestMicroseconds, SignificantDigits);
        private readonly ConcurrentDictionary<int, long> _statuses = new();
        private long _unexpected;

        public void Record(int status, bool expected, long microseconds)
        {
            _times.RecordValue(microseconds);
            _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (!expected)
            {
                Interlocked.Increment(ref _unexpected);
            }
        }

        public EndpointRow Row(string name)
        {
            var times = _times.Copy();
            return new EndpointRow(
                name,
                times.TotalCount,
                Interlocked.Read(ref _unexpected),
                new SortedDictionary<int, long>(_statuses),
                Milliseconds(times, 50),
                Milliseconds(times, 90),
                Milliseconds(times, 99),
                Milliseconds(times, 99.9),
                times.GetMaxValue() / 1000.0);
        }
    }
}
