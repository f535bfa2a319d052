using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>The per-office parameters of the selection (DOMAIN.md, Parameters).</summary>
[GenerateSerializer, Immutable, Alias("OfficeRules")]
public sealed record OfficeRules
{
    [Id(0)] public int DrawsPerVehicle { get; init; } = 5;
    [Id(1)] public int PlatesPerDraw { get; init; } = 10;
    [Id(2)] public int BatchSeconds { get; init; } = 90;
    [Id(3)] public int BackupSeconds { get; init; } = 90;
    [Id(4)] public int ValidityDays { get; init; } = 15;
    [Id(5)] public int BlacklistDays { get; init; } = 730;
    [Id(6)] public int SmsCodeSeconds { get; init; } = 300;
    [Id(7)] public int SmsCooldownSeconds { get; init; } = 60;
    [Id(8)] public int SmsAttempts { get; init; } = 5;
    [Id(9)] public int SmsConfirmDelaySeconds { get; init; } = 5;

    public static OfficeRules Default { get; } = new();

    /// <summary>The shortest wait between two codes to one selection, whatever an office sets.</summary>
    public const int MinSmsCooldownSeconds = 30;
}

/// <summary>Daily opening hours in the office's local time, as minutes since midnight (<c>To</c> may be 1440).</summary>
[GenerateSerializer, Immutable, Alias("OfficeHours")]
public sealed record OfficeHours(
    [property: Id(0)] int FromMinute,
    [property: Id(1)] int ToMinute)
{
    public static OfficeHours Default { get; } = new(8 * 60, 20 * 60);

    public static OfficeHours AllDay { get; } = new(0, 24 * 60);

    public string From => Format(FromMinute);

    public string To => Format(ToMinute);

    public static string Format(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}

/// <summary>A time slot of an exchange location, with how many people it takes.</summary>
[GenerateSerializer, Immutable, Alias("SlotCapacity")]
public sealed record SlotCapacity(
    [property: Id(0)] string Slot,
    [property: Id(1)] int Capacity);

/// <summary>A place where plates are exchanged.</summary>
[GenerateSerializer, Immutable, Alias("OfficeLocation")]
public sealed record OfficeLocation(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<SlotCapacity> Slots);

/// <summary>The business notice (业务须知) an applicant accepts, by version.</summary>
[GenerateSerializer, Immutable, Alias("BusinessNotice")]
public sealed record BusinessNotice(
    [property: Id(0)] string Version,
    [property: Id(1)] string Text);

/// <summary>Everything an operator sets for an office.</summary>
[GenerateSerializer, Immutable, Alias("OfficeSettings")]
public sealed record OfficeSettings
{
    [Id(0)] public required string Name { get; init; }
    /// <summary>Province character and office letter, e.g. 冀A.</summary>
    [Id(1)] public required string Prefix { get; init; }
    [Id(2)] public required string Province { get; init; }
    /// <summary>When online selection opens at this office, if it has not yet.</summary>
    [Id(3)] public DateTimeOffset? OpensAt { get; init; }
    [Id(4)] public OfficeHours Hours { get; init; } = OfficeHours.Default;
    [Id(5)] public bool Maintenance { get; init; }
    /// <summary>Whether owners and window-registered users of other offices may select here.</summary>
    [Id(6)] public bool CrossRegion { get; init; } = true;
    [Id(7)] public OfficeRules Rules { get; init; } = OfficeRules.Default;
    [Id(8)] public IReadOnlyList<OfficeLocation> Locations { get; init; } = [];
    /// <summary>A custom notice; when null, one is written from the rules.</summary>
    [Id(9)] public BusinessNotice? Notice { get; init; }
}

/// <summary>One series (plate kind and energy letter) of a pool publication, as serial block patterns such as <c>D0####</c>.</summary>
[GenerateSerializer, Immutable, Alias("SeriesBlocks")]
public sealed record SeriesBlocks(
    [property: Id(0)] PlateKind PlateKind,
    [property: Id(1)] char EnergyLetter,
    [property: Id(2)] IReadOnlyList<string> Blocks);

/// <summary>Which serial ranges an office has released (号池公示).</summary>
[GenerateSerializer, Immutable, Alias("PoolPublication")]
public sealed record PoolPublication(
    [property: Id(0)] IReadOnlyList<SeriesBlocks> Series)
{
    public static PoolPublication Empty { get; } = new([]);
}

/// <summary>An office as grains and the API see it.</summary>
[GenerateSerializer, Immutable, Alias("OfficeSnapshot")]
public sealed record OfficeSnapshot(
    [property: Id(0)] string Code,
    [property: Id(1)] OfficeSettings Settings,
    [property: Id(2)] BusinessNotice Notice,
    [property: Id(3)] PoolPublication Publication);

/// <summary>Live counts of one series of a pool.</summary>
[GenerateSerializer, Immutable, Alias("SeriesCounts")]
public sealed record SeriesCounts(
    [property: Id(0)] PlateKind PlateKind,
    [property: Id(1)] char EnergyLetter,
    [property: Id(2)] IReadOnlyList<string> Blocks,
    [property: Id(3)] int Total,
    [property: Id(4)] int Available,
    [property: Id(5)] int Held,
    [property: Id(6)] int Reserved,
    [property: Id(7)] int Issued,
    // The same counts for each published block, in publication order; they add up to the series' counts.
    [property: Id(8)] IReadOnlyList<BlockCounts> BlockCounts);

/// <summary>Live counts of one published block (serial pattern) of a series.</summary>
[GenerateSerializer, Immutable, Alias("BlockCounts")]
public sealed record BlockCounts(
    [property: Id(0)] string Block,
    [property: Id(1)] int Total,
    [property: Id(2)] int Available,
    [property: Id(3)] int Held,
    [property: Id(4)] int Reserved,
    [property: Id(5)] int Issued);

/// <summary>An office (车管所), keyed by its 6-digit division code: settings, notice and pool publication.</summary>
[Alias("PlateOrleans.IOfficeGrain")]
public interface IOfficeGrain : IGrainWithStringKey
{
    /// <remarks>Interleaves with everything: the pool asks for it while the office may be waiting on the pool.</remarks>
    [AlwaysInterleave, Alias("Get")]
    Task<OfficeSnapshot?> GetAsync();

    /// <summary>
    /// The office, for a selection that keeps it (<paramref name="watcher"/>, an <see cref="ISelectionFlow"/>): every
    /// change is pushed to it until it stops watching.
    /// </summary>
    [AlwaysInterleave, Alias("Watch")]
    Task<OfficeSnapshot?> WatchAsync(GrainId watcher);

    [AlwaysInterleave, OneWay, Alias("Unwatch")]
    Task UnwatchAsync(GrainId watcher);

    /// <summary>Creates or updates the office; the settings must already be valid.</summary>
    [Alias("Put")]
    Task<OfficeSnapshot> PutAsync(OfficeSettings settings);

    /// <summary>Publishes the pool; the publication must already be valid.</summary>
    [Alias("PublishPool")]
    Task<Outcome<OfficeSnapshot>> PublishPoolAsync(PoolPublication publication);
}

/// <summary>The list of offices (one instance, key 0).</summary>
[Alias("PlateOrleans.IOfficeRegistryGrain")]
public interface IOfficeRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task AddAsync(string officeCode);

    [ReadOnly, Alias("GetCodes")]
    Task<IReadOnlyList<string>> GetCodesAsync();
}
