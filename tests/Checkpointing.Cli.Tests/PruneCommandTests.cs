using System.Globalization;

namespace Checkpointing.Cli.Tests;

/// <summary><c>ckpt prune</c> on runs of its own (it deletes): the library's retention, a dry run that deletes nothing, a run being written refused.</summary>
public sealed class PruneCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ckpt-cli-prune-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Prune_DryRunThenForReal_DeletesTheOldOnesButKeepsTheBest()
    {
        var ids = SaveSteps("training/six", 6);

        var (dry, dryJson) = CkptProcess.RunJson("prune", "training/six", "--keep-last", "2", "--keep-best", "loss:min", "--dry-run", "--root", _root);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.True(dryJson.GetProperty("dryRun").GetBoolean());
        Assert.Equal(6, Directory.GetFiles(RunDirectory("training/six"), "*.ckpt").Length);

        var (real, json) = CkptProcess.RunJson("prune", "training/six", "--keep-last", "2", "--keep-best", "loss:min", "--root", _root);
        Assert.True(real.ExitCode == 0, real.ToString());

        // Loss is lowest at step 2, so it stays with the two newest.
        string[] expectedDeleted = [ids[0], ids[2], ids[3]];
        Assert.Equal(expectedDeleted, dryJson.GetProperty("deleted").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Equal(expectedDeleted, json.GetProperty("deleted").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Equal([1L, 3L, 4L], json.GetProperty("deleted").EnumerateArray().Select(d => d.GetProperty("step").GetInt64()));
        Assert.Equal([ids[1], ids[4], ids[5]], json.GetProperty("kept").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(
            [ids[1], ids[4], ids[5]],
            Directory.GetFiles(RunDirectory("training/six"), "*.ckpt").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prune_NothingToDelete_SaysSoAndExitsZero()
    {
        SaveSteps("training/two", 2);

        var result = CkptProcess.Run("prune", "training/two", "--keep-last", "5", "--root", _root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Nothing to delete", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Prune_RunBeingWritten_RefusedNamingTheWriterAndDryRunStillAnswers()
    {
        SaveSteps("training/busy", 3);
        using var writer = new CheckpointManager("training", "busy", new CheckpointOptions { RootDirectory = _root, KeepLastN = null });

        var refused = CkptProcess.Run("prune", "training/busy", "--keep-last", "1", "--root", _root);
        var (dry, json) = CkptProcess.RunJson("prune", "training/busy", "--keep-last", "1", "--dry-run", "--root", _root);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"process {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}", refused.Stderr, StringComparison.Ordinal);
        Assert.True(dry.ExitCode == 0, dry.ToString());
        Assert.Equal(2, json.GetProperty("deleted").GetArrayLength());
        Assert.Equal(3, Directory.GetFiles(RunDirectory("training/busy"), "*.ckpt").Length);
    }

    [Theory]
    [InlineData("--keep-last", "0")]
    [InlineData("--keep-best", "loss:avg")]
    [InlineData("--keep-best", ":max")]
    public void Prune_BadRetentionArguments_AreUsageErrorsSayingWhatToType(string option, string value)
    {
        SaveSteps("training/args", 2);
        string[] args = option == "--keep-last"
            ? ["prune", "training/args", option, value, "--root", _root]
            : ["prune", "training/args", "--keep-last", "1", option, value, "--root", _root];

        var result = CkptProcess.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFiles(RunDirectory("training/args"), "*.ckpt").Length);
    }

    [Fact]
    public void Prune_WithoutKeepLast_PointsAtItsOwnHelp()
    {
        SaveSteps("training/nokeep", 2);

        var result = CkptProcess.Run("prune", "training/nokeep", "--dry-run", "--root", _root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--keep-last", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'ckpt prune --help'", result.Stderr, StringComparison.Ordinal);
    }

    private string RunDirectory(string run) => Path.Combine(_root, run.Split('/')[0], run.Split('/')[1]);

    /// <summary>Saves steps 1..count keeping all; the loss is lowest at step 2. Returns the ids, oldest first.</summary>
    private string[] SaveSteps(string run, int count)
    {
        using var manager = new CheckpointManager(run.Split('/')[0], run.Split('/')[1], new CheckpointOptions { RootDirectory = _root, KeepLastN = null });
        return [.. Enumerable.Range(1, count).Select(step => manager.Save(
            new TrainState(step, [step]),
            step,
            metrics: new Dictionary<string, double> { ["loss"] = step == 2 ? 0.01 : 1.0 / step }).Id)];
    }
}
