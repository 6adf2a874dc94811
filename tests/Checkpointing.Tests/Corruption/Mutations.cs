using Checkpointing.Format;

namespace Checkpointing.Tests.Corruption;

/// <summary>Ways of damaging a file, each returning a new array and a description that reproduces it.</summary>
internal static class Mutations
{
    public static byte[] FlipBit(byte[] file, long bit)
    {
        var result = (byte[])file.Clone();
        result[bit / 8] ^= (byte)(1 << (int)(bit % 8));
        return result;
    }

    public static byte[] Truncate(byte[] file, int length) => file.AsSpan(0, length).ToArray();

    public static byte[] Append(byte[] file, ReadOnlySpan<byte> extra) => [.. file, .. extra];

    /// <summary>One random kind of damage; never returns the original bytes, nor <paramref name="otherCheckpoint"/>'s.</summary>
    public static (byte[] Bytes, string Description) Random(Random rng, byte[] file, byte[] otherCheckpoint)
    {
        while (true)
        {
            var (bytes, description) = RandomOnce(rng, file, otherCheckpoint);
            if (!bytes.AsSpan().SequenceEqual(file) && !bytes.AsSpan().SequenceEqual(otherCheckpoint))
            {
                return (bytes, description);
            }
        }
    }

    private static (byte[] Bytes, string Description) RandomOnce(Random rng, byte[] file, byte[] other)
    {
        var length = file.Length;
        switch (rng.Next(10))
        {
            case 0:
            {
                var bit = rng.NextInt64(length * 8L);
                return (FlipBit(file, bit), $"flip bit {bit}");
            }

            case 1:
            {
                var result = (byte[])file.Clone();
                var count = rng.Next(2, 17);
                for (var i = 0; i < count; i++)
                {
                    var bit = rng.NextInt64(length * 8L);
                    result[bit / 8] ^= (byte)(1 << (int)(bit % 8));
                }

                return (result, $"flip {count} random bits");
            }

            case 2:
            {
                var (offset, size) = Block(rng, length, 4096);
                var result = (byte[])file.Clone();
                result.AsSpan(offset, size).Clear();
                return (result, $"zero {size} bytes at {offset}");
            }

            case 3:
            {
                var (offset, size) = Block(rng, length, 64);
                var result = (byte[])file.Clone();
                rng.NextBytes(result.AsSpan(offset, size));
                return (result, $"overwrite {size} bytes at {offset} with random bytes");
            }

            case 4:
            {
                var cut = rng.Next(length);
                return (Truncate(file, cut), $"truncate to {cut} bytes");
            }

            case 5:
            {
                var garbage = new byte[rng.Next(1, 257)];
                rng.NextBytes(garbage);
                return (Append(file, garbage), $"append {garbage.Length} random bytes");
            }

            case 6:
                return (Append(file, file.AsSpan(length - FormatConstants.TrailerSize)), "append a copy of the trailer");

            case 7:
            {
                var at = rng.Next(length + 1);
                var extra = new byte[rng.Next(1, 65)];
                rng.NextBytes(extra);
                return ([.. file.AsSpan(0, at), .. extra, .. file.AsSpan(at)], $"insert {extra.Length} random bytes at {at}");
            }

            case 8:
            {
                var (offset, size) = Block(rng, length, 256);
                return ([.. file.AsSpan(0, offset), .. file.AsSpan(offset + size)], $"delete {size} bytes at {offset}");
            }

            default:
            {
                var cut = rng.Next(1, Math.Min(length, other.Length));
                return ([.. file.AsSpan(0, cut), .. other.AsSpan(cut)], $"join the first {cut} bytes with the rest of another checkpoint");
            }
        }
    }

    private static (int Offset, int Size) Block(Random rng, int length, int maxSize)
    {
        var size = rng.Next(1, Math.Min(maxSize, length) + 1);
        return (rng.Next(length - size + 1), size);
    }
}
