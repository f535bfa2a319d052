using BenchmarkDotNet.Attributes;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Benchmarks;

/// <summary>
/// One draw of ten numbers and their release, in pools from 10,000 to 340,000 numbers of one series, with and
/// without "exclude 4": the cost must not grow with the pool. The clock moves 100 µs a draw (10,000 draws a second,
/// five times an opening-day peak), so that lapsed holds leave the expiry heap as they do in service and the heap
/// stays at its steady size (90 s of holds) instead of growing for as long as the benchmark runs.
/// </summary>
[MemoryDiagnoser]
public class AllocatorBenchmarks
{
    private static readonly TimeSpan _tick = TimeSpan.FromTicks(1_000);
    private DateTimeOffset _now = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);
    private PlateAllocator _allocator = null!;

    /// <summary>10,000 (D0####), 100,000 (D#####) and 340,000 numbers: the whole small-D series, D##### and DA#### to DZ####.</summary>
    [Params(10_000, 100_000, 340_000)]
    public int PoolSize { get; set; }

    [Params(false, true)]
    public bool ExcludeFour { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] blocks = PoolSize switch
        {
            10_000 => ["D0####"],
            100_000 => ["D#####"],
            _ => ["D#####", .. "ABCDEFGHJKLMNPQRSTUVWXYZ".Select(letter => $"D{letter}####")],
        };
        _allocator = new PlateAllocator("冀A", new PoolPublication([new SeriesBlocks(PlateKind.Small, 'D', blocks)]), new CryptoRandomSource());
    }

    [Benchmark(Description = "draw 10 + release")]
    public int DrawTenAndRelease()
    {
        _now += _tick;
        var plates = _allocator.Draw("LSVAU2183N2184321", PlateKind.Small, EnergyKind.Pure, 10, ExcludeFour, _now.AddSeconds(90), _now);
        _allocator.Release("LSVAU2183N2184321", plates, _now);
        return plates.Count;
    }
}
