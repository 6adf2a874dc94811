using System.Diagnostics;
using System.Globalization;

namespace Checkpointing.Bench.Workloads;

/// <summary>
/// bench.py's <c>large</c>: one durable save of N MiB of Gaussian float64 weights (a binary section)
/// with a small state, then one load of it into a new array (as bench.py does) and one into the
/// existing array. Also prints the memory peaks of the save and of the load, above what the process
/// held before each.
/// </summary>
internal sealed class LargeWorkload : IWorkload
{
    public string Name => "large";

    public string Description => "one save + one load of N MiB of float64 weights (COMPRESS=0|1|gzip|zstd; 1 = zstd)";

    public void Run(WorkloadContext context)
    {
        var weights = LargeData.GaussianWeights(context.N);
        var compression = LargeData.CompressionFromEnvironment();
        using var manager = new CheckpointManager("training", "big", new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 2, Compression = compression });
        var before = LargeData.ResidentMiB();
        LargeData.ResetPeak();
        context.RestartClock();

        var clock = Stopwatch.StartNew();
        var saved = manager.Save(new LargeState(3), step: 1, totalSteps: 10, sections: new BinarySections { { "weights", weights } });
        var saveSeconds = clock.Elapsed.TotalSeconds;
        var savePeak = LargeData.PeakMiB() - before;

        before = LargeData.ResidentMiB();
        LargeData.ResetPeak();
        clock.Restart();
        var loaded = manager.LoadLatest<LargeState>() ?? throw new InvalidOperationException("the checkpoint just saved did not load");
        var verifySeconds = clock.Elapsed.TotalSeconds;
        var back = loaded.Sections["weights"].ReadArray<double>();
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var loadPeak = LargeData.PeakMiB() - before;
        if (loaded.State.Epoch != 3 || back.Length != weights.Length || back[^1] != weights[^1])
        {
            throw new InvalidOperationException("the loaded weights differ from the saved ones");
        }

        // The same load into memory the process already uses (the caller's buffer): the library's own
        // speed, without the page faults of a fresh 1 GiB array (costly in virtual machines).
        Array.Clear(weights);
        clock.Restart();
        var again = manager.LoadLatest<LargeState>() ?? throw new InvalidOperationException("the checkpoint did not load again");
        var intoVerifySeconds = clock.Elapsed.TotalSeconds;
        again.Sections["weights"].ReadInto<double>(weights);
        var loadIntoSeconds = clock.Elapsed.TotalSeconds;
        if (weights[^1] != back[^1])
        {
            throw new InvalidOperationException("the weights loaded into the caller's buffer differ");
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"save_s={saveSeconds:F3} load_s={loadSeconds:F3} MBps_save={context.N / saveSeconds:F1}"));
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"MBps_load={context.N / loadSeconds:F1} load_into_s={loadIntoSeconds:F3} MBps_load_into={context.N / loadIntoSeconds:F1} verify_s={verifySeconds:F3} read_s={loadSeconds - verifySeconds:F3} into_verify_s={intoVerifySeconds:F3} into_read_s={loadIntoSeconds - intoVerifySeconds:F3} compression={compression} file_mib={saved.StoredBytes / 1048576.0:F1} save_peak_over_mib={savePeak:F0} load_peak_over_mib={loadPeak:F0}"));
    }

    private sealed record LargeState(int Epoch);
}
