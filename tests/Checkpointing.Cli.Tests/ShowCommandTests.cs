namespace Checkpointing.Cli.Tests;

[Collection(CheckpointFoldersCollection.Name)]
public sealed class ShowCommandTests(CheckpointFolders folders)
{
    [Fact]
    public void Show_Json_ListsTheRunsCheckpointsOldestFirst()
    {
        var (result, json) = CkptProcess.RunJson("show", "training/healthy", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var checkpoints = json.GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], checkpoints.Select(c => c.GetProperty("step").GetInt64()));
        Assert.Equal(0.5, checkpoints[1].GetProperty("metrics").GetProperty("loss").GetDouble(), 9);
        Assert.All(checkpoints, c => Assert.Equal(1, c.GetProperty("writerGeneration").GetInt64()));
        Assert.All(checkpoints, c => Assert.StartsWith("checkpoint_step_", c.GetProperty("id").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Show_Table_HasOneRowPerCheckpoint()
    {
        var result = CkptProcess.Run("show", "training/healthy", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, result.Stdout.Split('\n').Count(line => line.StartsWith("│ checkpoint_step_", StringComparison.Ordinal)));
        Assert.Contains("loss=0.5", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_UnknownRun_ExitsTwoAndListsTheRuns()
    {
        var result = CkptProcess.Run("show", "training/nope", "--root", folders.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("No run 'training/nope'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("training/healthy", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("healthy")]
    [InlineData("training/healthy/extra")]
    [InlineData("training/../x")]
    public void Show_MalformedRun_ExitsTwoNamingTheExpectedForm(string run)
    {
        var result = CkptProcess.Run("show", run, "--root", folders.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("TYPE/NAME", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_ExitsTwoPointingAtHelp()
    {
        var result = CkptProcess.Run("lst");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'lst'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ckpt --help", result.Stderr, StringComparison.Ordinal);
    }
}
