namespace Checkpointing.Cli.Tests;

[Collection(CheckpointFoldersCollection.Name)]
public sealed class InspectCommandTests(CheckpointFolders folders)
{
    [Fact]
    public void Inspect_RunAtStep_ReportsMetadataSectionsAndState()
    {
        var (result, json) = CkptProcess.RunJson("inspect", "training/healthy@2", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, json.GetProperty("metadata").GetProperty("step").GetInt64());
        Assert.Equal(2, json.GetProperty("state").GetProperty("Step").GetInt32());
        Assert.Equal(2000, json.GetProperty("state").GetProperty("Values").GetArrayLength());
        var sections = json.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(["state", "weights"], sections.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal("binary", sections[1].GetProperty("kind").GetString());
        Assert.Equal(256 * sizeof(float), sections[1].GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Inspect_File_PrintsThePrettyState()
    {
        var file = Directory.GetFiles(Path.Combine(folders.Root, "training", "healthy"), "checkpoint_step_1_*.ckpt").Single();

        var result = CkptProcess.Run("inspect", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("training/healthy", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"Step\": 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("weights", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_DamagedFile_ExitsOneWithTheReason()
    {
        var result = CkptProcess.Run("inspect", folders.DamagedNewestFile);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(Path.GetFileName(folders.DamagedNewestFile), result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_MissingStep_ExitsTwo()
    {
        var result = CkptProcess.Run("inspect", "training/healthy@99", "--root", folders.Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("ckpt show training/healthy", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("its checkpoints are at step(s) ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("List()", result.Stderr, StringComparison.Ordinal);
    }
}
