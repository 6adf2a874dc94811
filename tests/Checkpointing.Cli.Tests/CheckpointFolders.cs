namespace Checkpointing.Cli.Tests;

/// <summary>
/// A temporary root with real runs written by the library: <c>training/healthy</c> (steps 1-3 of 10, a binary
/// section), <c>training/damaged</c> (steps 1-3, a byte flipped in the middle of the newest file) and
/// <c>search/running</c> (one checkpoint, its writer still open in this process, so its lock is held).
/// </summary>
public sealed class CheckpointFolders : IDisposable
{
    private readonly CheckpointManager _running;

    public CheckpointFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "ckpt-cli-tests-" + Guid.NewGuid().ToString("N"));
        var options = new CheckpointOptions { RootDirectory = Root, KeepLastN = null };
        using (var healthy = new CheckpointManager("training", "healthy", options))
        {
            for (var step = 1; step <= 3; step++)
            {
                healthy.Save(new TrainState(step, Values(step)), step, totalSteps: 10, metrics: new Dictionary<string, double> { ["loss"] = 1.0 / step },
                    sections: new BinarySections { { "weights", new float[256] } });
            }
        }

        DamagedNewestFile = string.Empty;
        using (var damaged = new CheckpointManager("training", "damaged", options))
        {
            for (var step = 1; step <= 3; step++)
            {
                var saved = damaged.Save(new TrainState(step, Values(step)), step, totalSteps: 3);
                DamagedNewestFile = saved.FilePath;
            }
        }

        var bytes = File.ReadAllBytes(DamagedNewestFile);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(DamagedNewestFile, bytes);

        _running = new CheckpointManager("search", "running", options);
        _running.Save(new TrainState(7, Values(7)), 7, totalSteps: 100);
    }

    public string Root { get; }

    public string DamagedNewestFile { get; }

    public void Dispose()
    {
        _running.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    // Varied numbers, so the state is large and compresses poorly: the middle of the file is state bytes.
    private static double[] Values(int seed) => [.. Enumerable.Range(0, 2000).Select(i => Math.Sin(i * 1.618 + seed) * 1e6)];
}
