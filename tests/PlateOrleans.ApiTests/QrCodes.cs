using System.Buffers.Binary;
using System.IO.Compression;
using ZXing;
using ZXing.Common;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Reads a QR code from a PNG as a phone at the window would: the PNG is decoded here (non-interlaced, 8-bit or
/// less, gray, palette or RGB(A), every row filter) into luminance, and ZXing.Net finds and decodes the code in it.
/// </summary>
internal static class QrCodes
{
    public static string? Decode(byte[] png)
    {
        var (width, height, luminance) = Luminance(png);
        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return reader.Decode(new RGBLuminanceSource(luminance, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
    }

    private static (int Width, int Height, byte[] Luminance) Luminance(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), "not a PNG");
        int width = 0, height = 0, depth = 0, colorType = 0;
        byte[] palette = [];
        using var compressed = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            switch (type)
            {
                case "IHDR":
                    (width, height, depth, colorType) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]), data[8], data[9]);
                    Assert.Equal(0, data[12]); // not interlaced
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    compressed.Write(data);
                    break;
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var channels = colorType switch { 0 or 3 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"PNG color type {colorType}") };
        var bitsPerPixel = channels * depth;
        var stride = ((width * bitsPerPixel) + 7) / 8;
        var step = Math.Max(1, bitsPerPixel / 8);
        var raw = inflated.ToArray();
        var previous = new byte[stride];
        var luminance = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan((y * (stride + 1)) + 1, stride).ToArray();
            Unfilter(raw[y * (stride + 1)], row, previous, step);
            for (var x = 0; x < width; x++)
            {
                luminance[(y * width) + x] = Gray(row, x, depth, colorType, palette);
            }

            previous = row;
        }

        return (width, height, luminance);
    }

    private static void Unfilter(byte filter, byte[] row, byte[] previous, int step)
    {
        for (var i = 0; i < row.Length; i++)
        {
            int left = i >= step ? row[i - step] : 0, up = previous[i], upLeft = i >= step ? previous[i - step] : 0;
            row[i] = (byte)(row[i] + filter switch
            {
                0 => 0,
                1 => left,
                2 => up,
                3 => (left + up) / 2,
                4 => Paeth(left, up, upLeft),
                _ => throw new NotSupportedException($"PNG filter {filter}"),
            });
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte Gray(byte[] row, int x, int depth, int colorType, byte[] palette)
    {
        if (colorType is 2 or 6)
        {
            var at = x * (colorType == 2 ? 3 : 4);
            return (byte)(((row[at] * 299) + (row[at + 1] * 587) + (row[at + 2] * 114)) / 1000);
        }

        var sample = depth == 8 ? row[x * (colorType == 4 ? 2 : 1)] : (row[x * depth / 8] >> (8 - depth - (x * depth % 8))) & ((1 << depth) - 1);
        if (colorType == 3)
        {
            return (byte)(((palette[sample * 3] * 299) + (palette[(sample * 3) + 1] * 587) + (palette[(sample * 3) + 2] * 114)) / 1000);
        }

        return (byte)(sample * 255 / ((1 << depth) - 1));
    }
}
