using System.Text.Json;

namespace Checkpointing.Cli.Tests;

[Collection(CheckpointFoldersCollection.Name)]
public sealed class ListCommandTests(CheckpointFolders folders)
{
    [Fact]
    public void List_Json_ReportsEveryRunWithStepsAndCounts()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = json.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(["search/running", "training/damaged", "training/healthy"], runs.Select(r => $"{r.GetProperty("processType").GetString()}/{r.GetProperty("name").GetString()}"));
        var healthy = runs[2];
        Assert.Equal(3, healthy.GetProperty("latestStep").GetInt64());
        Assert.Equal(10, healthy.GetProperty("totalSteps").GetInt64());
        Assert.Equal(30.0, healthy.GetProperty("progressPercent").GetDouble(), 6);
        Assert.Equal("InProgress", healthy.GetProperty("status").GetString());
        Assert.Equal(3, healthy.GetProperty("checkpointCount").GetInt32());
        Assert.Equal(3, healthy.GetProperty("validCount").GetInt32());
        Assert.Equal("full", healthy.GetProperty("newestCheck").GetString());
        var rate = healthy.GetProperty("stepsPerSecond").GetDouble();
        Assert.True(rate > 0, $"a run with three checkpoints has a rate, got {rate}");
        Assert.Equal(7 / rate, healthy.GetProperty("etaSeconds").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, runs[0].GetProperty("stepsPerSecond").ValueKind);
        Assert.Equal(0, healthy.GetProperty("damaged").GetArrayLength());
        Assert.Equal(0, healthy.GetProperty("quarantinedCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, healthy.GetProperty("writer").ValueKind);
        Assert.True(healthy.GetProperty("sizeBytes").GetInt64() > 3 * 1024);
    }

    [Fact]
    public void List_CorruptNewestCheckpoint_ShowsTheDamageAndTheStepResumeWouldUse()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var damaged = json.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "damaged");
        Assert.Equal(2, damaged.GetProperty("latestStep").GetInt64());
        Assert.Equal(3, damaged.GetProperty("checkpointCount").GetInt32());
        Assert.Equal(2, damaged.GetProperty("validCount").GetInt32());
        var file = Assert.Single(damaged.GetProperty("damaged").EnumerateArray());
        Assert.Equal(Path.GetFileName(folders.DamagedNewestFile), file.GetProperty("fileName").GetString());

        var text = CkptProcess.Run("list", "--root", folders.Root);
        Assert.Contains("2 valid, 1 damaged", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"{Path.GetFileName(folders.DamagedNewestFile)} is damaged", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_RunWithWriterOpenInAnotherProcess_ShowsItRunningWithThatPid()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = json.GetProperty("runs").EnumerateArray().ToList();
        var writer = runs.Single(r => r.GetProperty("name").GetString() == "running").GetProperty("writer");
        Assert.Equal(Environment.ProcessId, writer.GetProperty("pid").GetInt32());
        Assert.Equal(Environment.MachineName, writer.GetProperty("host").GetString());
        Assert.All(runs.Where(r => r.GetProperty("name").GetString() != "running"), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("writer").ValueKind));

        var text = CkptProcess.Run("list", "--root", folders.Root);
        Assert.Contains($"running, pid {Environment.ProcessId}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("7/100", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_OutputNotATerminal_HasNoEscapeCodesAndNoWrappedRows()
    {
        var text = CkptProcess.Run("list", "--root", folders.Root);

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.DoesNotContain('\u001b', text.Stdout);
        Assert.Single(text.Stdout.Split('\n'), line => line.Contains("healthy", StringComparison.Ordinal));
    }

    [Fact]
    public void List_WithoutRootOption_UsesCheckpointRootVariable()
    {
        var result = CkptProcess.RunWithRootVariable(folders.Root, "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(result.Stdout);
        Assert.Equal(Path.GetFullPath(folders.Root), json.RootElement.GetProperty("root").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public void List_EmptyRoot_SaysThereAreNoRuns()
    {
        var empty = Directory.CreateTempSubdirectory("ckpt-cli-empty-");
        try
        {
            var text = CkptProcess.Run("list", "--root", empty.FullName);
            var (result, json) = CkptProcess.RunJson("list", "--root", empty.FullName);

            Assert.True(text.ExitCode == 0, text.ToString());
            Assert.Contains("No runs under", text.Stdout, StringComparison.Ordinal);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(0, json.GetProperty("runs").GetArrayLength());
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
