using System.Globalization;

namespace Checkpointing.Bench;

/// <summary>What the <c>large</c> workloads save: Gaussian float64 weights, as bench.py makes them, and how to read the process's memory peak.</summary>
internal static class LargeData
{
    /// <summary>float64 values per MiB.</summary>
    public const int ValuesPerMiB = 131072;

    /// <summary>N(0, 1) values from a fixed seed (Box–Muller), like bench.py's <c>rnd.gauss(0, 1)</c>.</summary>
    public static double[] GaussianWeights(long mib)
    {
        var values = new double[mib * ValuesPerMiB];
        var random = new Random(1);
        for (var i = 0; i < values.Length; i += 2)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var r = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < values.Length)
            {
                values[i + 1] = r * Math.Sin(2 * Math.PI * u2);
            }
        }

        return values;
    }

    /// <summary>bench.py's <c>COMPRESS</c>: 0 turns compression off; 1 (default) is our default, zstd; <c>gzip</c> or <c>zstd</c> choose.</summary>
    public static CheckpointCompression CompressionFromEnvironment() => Environment.GetEnvironmentVariable("COMPRESS") switch
    {
        "0" or "none" => CheckpointCompression.None,
        "gzip" => CheckpointCompression.Gzip,
        _ => CheckpointCompression.Zstd,
    };

    /// <summary>Resets the kernel's resident-set peak (Linux <c>/proc/self/clear_refs</c>), so the next reading covers only what follows.</summary>
    public static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The resident-set peak (VmHWM) in MiB, or NaN where /proc is not available.</summary>
    public static double PeakMiB() => ReadStatus("VmHWM:");

    /// <summary>The current resident set (VmRSS) in MiB, or NaN.</summary>
    public static double ResidentMiB() => ReadStatus("VmRSS:");

    private static double ReadStatus(string field)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var kb = line[field.Length..].Trim().Split(' ')[0];
                    return double.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return double.NaN;
    }
}
