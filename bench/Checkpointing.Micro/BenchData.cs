using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Checkpointing.Format;

namespace Checkpointing.Micro;

/// <summary>Deterministic inputs shared by the benchmarks (fixed seeds, so every run compresses the same bytes).</summary>
internal static class BenchData
{
    public const int OneMiB = 1 << 20;
    public const int SixteenMiB = 16 << 20;

    /// <summary>Little-endian float64 values drawn from N(0, 0.02²), like freshly initialised model weights.</summary>
    /// <summary>The same values as <see cref="GaussianFloat64"/>, as doubles.</summary>
    public static double[] GaussianFloat64Values(int byteCount, int seed = 42) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(GaussianFloat64(byteCount, seed)).ToArray();

    public static byte[] GaussianFloat64(int byteCount, int seed = 42)
    {
        var values = new double[byteCount / sizeof(double)];
        var random = new Random(seed);
        for (var i = 0; i < values.Length; i += 2)
        {
            // Box–Muller: two independent normals per pair of uniforms.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1)) * 0.02;
            values[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < values.Length)
            {
                values[i + 1] = r * Math.Sin(2 * Math.PI * u2);
            }
        }

        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    /// <summary>Repetitive JSON-like text (an array of trade records with varying numbers), exactly <paramref name="byteCount"/> bytes.</summary>
    public static byte[] JsonText(int byteCount, int seed = 7)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(byteCount + 256);
        sb.Append('[');
        var i = 0;
        string[] sides = ["buy", "sell"];
        while (sb.Length < byteCount)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{{\"id\":{i},\"ticker\":\"T{random.Next(20)}\",\"side\":\"{sides[random.Next(2)]}\",\"qty\":{random.Next(1, 500)},\"price\":{Math.Round(100 + random.NextDouble() * 50, 2)},\"ts\":\"2025-01-{1 + (i / 1000 % 28):00}T{i / 60 % 24:00}:{i % 60:00}:00Z\"}},");
            i++;
        }

        return Encoding.UTF8.GetBytes(sb.ToString(0, byteCount));
    }

    /// <summary>A manifest like the one <c>CheckpointManager.Save</c> fills in before <see cref="CheckpointFileWriter.Finish"/>.</summary>
    public static Manifest NewManifest(string compression, int minorVersion = FormatConstants.MinorVersion) => new()
    {
        FormatVersion = $"{FormatConstants.MajorVersion}.{minorVersion}",
        CheckpointId = "ckpt-00000000000000000042-20250101T000000000Z-0",
        ProcessType = "trading",
        Name = "paper",
        Step = 42,
        TotalSteps = 1000,
        Status = CheckpointStatus.InProgress,
        CreatedUtc = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = 0.123, ["reward"] = 4.56 },
        Tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = "bench" },
        WriterHost = "bench",
        WriterProcessId = 1234,
        Compression = compression,
        Serializer = "json",
        StateType = "Portfolio",
    };
}
