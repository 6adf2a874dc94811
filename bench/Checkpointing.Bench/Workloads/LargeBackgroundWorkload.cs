using System.Diagnostics;
using System.Globalization;

namespace Checkpointing.Bench.Workloads;

/// <summary>
/// How long a background save of N MiB of float64 weights blocks the caller, next to the time of one
/// in-memory copy of the same array (what capturing a snapshot must cost at least), and how long
/// until the checkpoint is durable. Two rounds: the first pays for fresh pages, the second reuses.
/// </summary>
internal sealed class LargeBackgroundWorkload : IWorkload
{
    public string Name => "large-async";

    public string Description => "SaveInBackgroundAsync of N MiB of float64 weights: caller-blocked time vs one in-memory copy";

    public void Run(WorkloadContext context)
    {
        var weights = LargeData.GaussianWeights(context.N);
        var compression = LargeData.CompressionFromEnvironment();
        var manager = new CheckpointManager("training", "big-async", new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 2, Compression = compression });
        context.RestartClock();
        for (var round = 1; round <= 2; round++)
        {
            // The yardstick is a copy into memory of the same kind the capture gets: in round 1 both touch
            // fresh pages (page faults, costly and erratic in a VM); in round 2 the copy reuses the memory
            // the collector got back and the capture reuses the first snapshot's blocks.
            var copyBefore = TimeOneCopy(weights);
            var clock = Stopwatch.StartNew();
            var save = manager.SaveInBackgroundAsync(new LargeState(round), step: round, sections: new BinarySections { { "weights", weights } }).AsTask().GetAwaiter().GetResult();
            var blockedSeconds = clock.Elapsed.TotalSeconds;

            // The training loop would carry on here; the weights may change now without affecting the save.
            weights[0] += 1;
            var metadata = save.Completion.GetAwaiter().GetResult() ?? throw new InvalidOperationException("the background save was not written");
            var durableSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round={round} blocked_s={blockedSeconds:F3} copy_s={copyBefore:F3} blocked_over_copy={blockedSeconds / copyBefore:F2} durable_s={durableSeconds:F3} file_mib={metadata.StoredBytes / 1048576.0:F1}"));
        }

        manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static double TimeOneCopy(double[] weights)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        var copy = GC.AllocateUninitializedArray<double>(weights.Length);
        weights.AsSpan().CopyTo(copy);
        var seconds = clock.Elapsed.TotalSeconds;
        GC.KeepAlive(copy);
        return seconds;
    }

    private sealed record LargeState(int Round);
}
