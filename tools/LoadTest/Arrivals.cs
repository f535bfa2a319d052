namespace PlateOrleans.LoadTest;

/// <summary>When each of the surge's applicants arrives, counted from the start of the window.</summary>
public static class Arrivals
{
    /// <summary>
    /// The arrival times of <paramref name="count"/> applicants, in order: evenly over the window, or as a spike (the
    /// first half evenly within the first quarter of the window, the rest evenly over the other three quarters).
    /// </summary>
    public static TimeSpan[] Schedule(int count, TimeSpan window, ArrivalPattern pattern)
    {
        var times = new TimeSpan[count];
        if (pattern == ArrivalPattern.Even)
        {
            for (var i = 0; i < count; i++)
            {
                times[i] = window * i / count;
            }

            return times;
        }

        var early = (count + 1) / 2;
        var quarter = window / 4;
        for (var i = 0; i < early; i++)
        {
            times[i] = quarter * i / early;
        }

        for (var i = early; i < count; i++)
        {
            times[i] = quarter + ((window - quarter) * (i - early) / (count - early));
        }

        return times;
    }
}
