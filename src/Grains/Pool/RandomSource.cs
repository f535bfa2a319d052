using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PlateOrleans.Grains.Pool;

/// <summary>A source of uniform random integers. The pool uses a cryptographic one, so that draws cannot be predicted.</summary>
public interface IRandomSource
{
    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);
}

/// <summary>
/// Uniform integers from <see cref="RandomNumberGenerator"/> one call at a time: thread-safe and holding nothing, for the
/// few numbers a selection needs (its SMS code, its voucher code).
/// </summary>
public sealed class SystemRandomSource : IRandomSource
{
    public static readonly SystemRandomSource Instance = new();

    private SystemRandomSource()
    {
    }

    public int Next(int maxExclusive) => RandomNumberGenerator.GetInt32(maxExclusive);
}

/// <summary>
/// Uniform integers from <see cref="RandomNumberGenerator"/>, read 4 KiB at a time so that a draw of ten numbers costs
/// no system call, and reduced to a range without bias (Lemire's multiply-and-reject). Not thread-safe: one per grain.
/// </summary>
public sealed class CryptoRandomSource : IRandomSource
{
    private readonly byte[] _buffer = new byte[4096];
    private int _position;

    public CryptoRandomSource() => _position = _buffer.Length;

    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var range = (uint)maxExclusive;
        var product = (ulong)NextUInt32() * range;
        var low = (uint)product;
        if (low < range)
        {
            var threshold = (0u - range) % range;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * range;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    private uint NextUInt32()
    {
        if (_position > _buffer.Length - sizeof(uint))
        {
            RandomNumberGenerator.Fill(_buffer);
            _position = 0;
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_position));
        _position += sizeof(uint);
        return value;
    }
}
