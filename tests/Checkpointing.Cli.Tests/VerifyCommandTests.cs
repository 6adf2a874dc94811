namespace Checkpointing.Cli.Tests;

[Collection(CheckpointFoldersCollection.Name)]
public sealed class VerifyCommandTests(CheckpointFolders folders)
{
    [Fact]
    public void Verify_HealthyRun_ExitsZero()
    {
        var (result, json) = CkptProcess.RunJson("verify", "training/healthy", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(3, json.GetProperty("checked").GetInt32());
        Assert.Equal(3, json.GetProperty("valid").GetInt32());
    }

    [Fact]
    public void Verify_CorruptNewestCheckpoint_ExitsOneNamingTheFile()
    {
        var result = CkptProcess.Run("verify", "--root", folders.Root);
        var (jsonResult, json) = CkptProcess.RunJson("verify", "--root", folders.Root);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"training/damaged/{Path.GetFileName(folders.DamagedNewestFile)}", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, jsonResult.ExitCode);
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal(7, json.GetProperty("checked").GetInt32());
        var damaged = Assert.Single(json.GetProperty("files").EnumerateArray(), f => !f.GetProperty("valid").GetBoolean());
        Assert.Equal(Path.GetFileName(folders.DamagedNewestFile), damaged.GetProperty("fileName").GetString());
        Assert.False(string.IsNullOrEmpty(damaged.GetProperty("reason").GetString()));
    }

    [Fact]
    public void Verify_MissingRoot_ExitsTwoNamingTheRootOption()
    {
        var result = CkptProcess.Run("verify", "--root", Path.Combine(folders.Root, "no-such-dir"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--root DIR", result.Stderr, StringComparison.Ordinal);
    }
}
