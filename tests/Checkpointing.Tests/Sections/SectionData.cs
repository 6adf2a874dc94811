using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Checkpointing.Tests.Sections;

/// <summary>Deterministic test arrays and their expected little-endian bytes.</summary>
internal static class SectionData
{
    public const int Chunk = 1 << 20;

    /// <summary>3.5 MiB: several full chunks and a partial one.</summary>
    public const int SeveralChunks = (7 * Chunk) / 2;

    /// <summary>Pseudo-random doubles whose every 8-byte element differs (so swapped or repeated chunks show).</summary>
    public static double[] Doubles(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = i + rng.NextDouble();
        }

        return result;
    }

    public static float[] Floats(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new float[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (float)((rng.NextDouble() * 2) - 1) * 1000f;
        }

        return result;
    }

    public static int[] Ints(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = rng.Next(int.MinValue, int.MaxValue);
        }

        return result;
    }

    public static long[] Longs(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new long[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = rng.NextInt64(long.MinValue, long.MaxValue);
        }

        return result;
    }

    public static Half[] Halves(int count, int seed)
    {
        var rng = new Random(seed);
        var result = new Half[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (Half)((rng.NextDouble() * 100) - 50);
        }

        return result;
    }

    public static byte[] Bytes(int count, int seed)
    {
        var result = new byte[count];
        new Random(seed).NextBytes(result);
        return result;
    }

    /// <summary>Little-endian bytes built element by element with explicit byte order (not by reinterpreting memory).</summary>
    public static byte[] LittleEndian(double[] values)
    {
        var bytes = new byte[values.Length * sizeof(double)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * sizeof(double)), values[i]);
        }

        return bytes;
    }

    public static byte[] LittleEndian(int[] values)
    {
        var bytes = new byte[values.Length * sizeof(int)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * sizeof(int)), values[i]);
        }

        return bytes;
    }

    public static byte[] AsBytes<T>(ReadOnlySpan<T> values)
        where T : unmanaged => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Index of <paramref name="needle"/> in <paramref name="haystack"/>, or -1.</summary>
    public static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
