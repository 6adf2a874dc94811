using System.Diagnostics;

namespace Checkpointing.Cli.Tests;

/// <summary><c>ckpt watch</c> piped (one line per new checkpoint) against a run that goes on saving in this process.</summary>
public sealed class WatchCommandTests : IDisposable
{
    /// <summary>Guards against a hung watcher; never a pass/fail threshold.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(1);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "ckpt-cli-watch-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Watch_RunSavesUntilCompleted_PrintsEachNewCheckpointThenExitsZero()
    {
        using var run = Open();
        run.Save(new TrainState(1, [1]), 1, totalSteps: 4, metrics: new Dictionary<string, double> { ["loss"] = 0.5 });
        run.Save(new TrainState(2, [2]), 2, totalSteps: 4, metrics: new Dictionary<string, double> { ["loss"] = 0.25 });
        using var watch = StartWatch();

        var first = await NextLine(watch);
        run.Save(new TrainState(3, [3]), 3, totalSteps: 4);
        var second = await NextLine(watch);
        run.Save(new TrainState(4, [4]), 4, totalSteps: 4, status: CheckpointStatus.Completed);
        var third = await NextLine(watch);
        var exit = await Exit(watch);

        Assert.StartsWith("training/live step 2/4 ", first, StringComparison.Ordinal);
        Assert.Contains("InProgress", first, StringComparison.Ordinal);
        Assert.Contains("loss=0.25", first, StringComparison.Ordinal);
        Assert.Contains("steps/", first, StringComparison.Ordinal);
        Assert.StartsWith("training/live step 3/4 ", second, StringComparison.Ordinal);
        Assert.StartsWith("training/live step 4/4 ", third, StringComparison.Ordinal);
        Assert.Contains("Completed", third, StringComparison.Ordinal);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Watch_RunDoesNotExistYet_WaitsForItsFirstCheckpoint()
    {
        using var watch = StartWatch();
        using (var guard = new CancellationTokenSource(HangGuard))
        {
            var notice = await watch.StandardError.ReadLineAsync(guard.Token);
            Assert.StartsWith("ckpt: no run 'training/live' under ", notice, StringComparison.Ordinal);
            Assert.EndsWith("yet; waiting for its first checkpoint (Ctrl+C to stop).", notice, StringComparison.Ordinal);
        }

        Assert.False(watch.HasExited);
        using var run = Open();
        run.Save(new TrainState(1, [1]), 1, totalSteps: 2);
        var first = await NextLine(watch);
        run.Save(new TrainState(2, [2]), 2, totalSteps: 2, status: CheckpointStatus.Completed);
        var second = await NextLine(watch);

        Assert.StartsWith("training/live step 1/2 ", first, StringComparison.Ordinal);
        Assert.StartsWith("training/live step 2/2 ", second, StringComparison.Ordinal);
        Assert.Equal(0, await Exit(watch));
    }

    [Fact]
    public async Task Watch_RunFails_ExitsOne()
    {
        using var run = Open();
        run.Save(new TrainState(1, [1]), 1, totalSteps: 4);
        using var watch = StartWatch();

        await NextLine(watch);
        run.Save(new TrainState(2, [2]), 2, totalSteps: 4, status: CheckpointStatus.Failed);
        var last = await NextLine(watch);

        Assert.Contains("Failed", last, StringComparison.Ordinal);
        Assert.Equal(1, await Exit(watch));
    }

    [Fact]
    public async Task Watch_SigInt_StopsWatchingWithExit130AndLeavesTheRunAlone()
    {
        using var run = Open();
        run.Save(new TrainState(1, [1]), 1, totalSteps: 4);
        using var watch = StartWatch();
        await NextLine(watch);

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        var rest = await watch.StandardOutput.ReadToEndAsync();
        Assert.Equal(130, await Exit(watch));
        Assert.Contains("Stopped watching", rest, StringComparison.Ordinal);
        run.Save(new TrainState(2, [2]), 2, totalSteps: 4);
    }

    private Process StartWatch() => CkptProcess.Start(null, "watch", "training/live", "--interval", "0.1", "--root", _root);

    private CheckpointManager Open() => new("training", "live", new CheckpointOptions { RootDirectory = _root, KeepLastN = null });

    private static async Task<string> NextLine(Process watch)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        var line = await watch.StandardOutput.ReadLineAsync(guard.Token);
        Assert.True(line is not null, $"ckpt watch ended without a line; exit {(watch.HasExited ? watch.ExitCode : -1)}, stderr: {await ReadError(watch)}");
        return line;
    }

    private static async Task<int> Exit(Process watch)
    {
        using var guard = new CancellationTokenSource(HangGuard);
        await watch.WaitForExitAsync(guard.Token);
        return watch.ExitCode;
    }

    private static async Task<string> ReadError(Process watch) => watch.HasExited ? await watch.StandardError.ReadToEndAsync() : "(still running)";
}
