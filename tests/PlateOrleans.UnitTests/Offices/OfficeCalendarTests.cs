using PlateOrleans.Contracts;
using PlateOrleans.Grains.Offices;

namespace PlateOrleans.UnitTests.Offices;

public sealed class OfficeCalendarTests
{
    private static readonly DateTimeOffset _now = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);

    private static OfficeSettings Office(DateTimeOffset? opensAt, OfficeHours? hours = null) =>
        new() { Name = "石家庄市车管所", Prefix = "冀A", Province = "冀", OpensAt = opensAt, Hours = hours ?? OfficeHours.Default };

    [Fact]
    public void AnOpeningStoredAtTheEndOfTheCalendarIsNotYetOpenRatherThanAnOverflow()
    {
        var end = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);

        Assert.Equal((OfficeState.NotYetOpen, end), OfficeCalendar.StateAt(Office(end), _now));
        Assert.Equal(ErrorCodes.SelectionClosed, OfficeCalendar.Gate(new OfficeSnapshot("130100", Office(end), new BusinessNotice("v", "t"), PoolPublication.Empty), _now)?.Code);
    }

    [Fact]
    public void AnOpeningOutsideTheDailyHoursIsShownAtTheNextOpeningHour()
    {
        // 2027-01-01 00:00 UTC is 08:00 in Beijing; with hours from 09:00 the office opens an hour later.
        var opening = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var (state, opensAt) = OfficeCalendar.StateAt(Office(opening, new OfficeHours(9 * 60, 17 * 60)), _now);

        Assert.Equal(OfficeState.NotYetOpen, state);
        Assert.Equal(opening.AddHours(1), opensAt);
    }
}
