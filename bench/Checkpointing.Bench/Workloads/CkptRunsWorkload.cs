using System.Globalization;
using System.Runtime.InteropServices;

namespace Checkpointing.Bench.Workloads;

/// <summary>
/// Makes a checkpoint root for timing <c>ckpt list</c>, <c>show</c> and <c>verify</c> on runs with large binary
/// sections: <c>training/small</c> (3 checkpoints, no sections), <c>training/weights_&lt;N/4&gt;mib</c> (2 checkpoints
/// saved with <c>SaveInBackgroundAsync</c>) and <c>training/weights_&lt;N&gt;mib</c> (2 checkpoints saved with
/// <c>Save</c>), the last two holding N/4 and N MiB of random float32 weights in a binary section. Timed: the saves.
/// </summary>
internal sealed class CkptRunsWorkload : IWorkload
{
    public string Name => "ckpt-runs";

    public string Description => "a root for timing ckpt: runs with N/4 and N MiB float32 binary sections (2 checkpoints each) and a small run";

    public void Run(WorkloadContext context)
    {
        var options = new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 2, Compression = LargeData.CompressionFromEnvironment() };
        using (var small = new CheckpointManager("training", "small", options))
        {
            for (var step = 1; step <= 3; step++)
            {
                small.Save(new RunState(step), step, totalSteps: 10);
            }
        }

        var quarter = Math.Max(1, context.N / 4);
        var weights = RandomWeights(quarter);
        using (var background = new CheckpointManager("training", Invariant($"weights_{quarter}mib"), options))
        {
            for (var step = 1; step <= 2; step++)
            {
                var save = background.SaveInBackgroundAsync(new RunState(step), step, totalSteps: 10, sections: new BinarySections { { "weights", weights } })
                    .AsTask().GetAwaiter().GetResult();
                _ = save.Completion.GetAwaiter().GetResult();
            }
        }

        weights = RandomWeights(context.N);
        using var large = new CheckpointManager("training", Invariant($"weights_{context.N}mib"), options);
        for (var step = 1; step <= 2; step++)
        {
            large.Save(new RunState(step), step, totalSteps: 10, sections: new BinarySections { { "weights", weights } });
        }
    }

    private static float[] RandomWeights(long mib)
    {
        var weights = new float[mib * (1 << 20) / sizeof(float)];
        var random = new Random(1);
        for (var offset = 0; offset < weights.Length; offset += 1 << 28)
        {
            random.NextBytes(MemoryMarshal.AsBytes(weights.AsSpan(offset, Math.Min(1 << 28, weights.Length - offset))));
        }

        return weights;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record RunState(int Epoch);
}
