using System.Text.Json;
using System.Text.RegularExpressions;

namespace Checkpointing.Cli.Tests;

/// <summary><c>ckpt show</c> and <c>ckpt report</c> on what checkpoints record about their saves: durations and retention settings.</summary>
public sealed class SaveRecordCommandTests(SaveRecordFolders folders) : IClassFixture<SaveRecordFolders>
{
    [Fact]
    public void Show_Json_CarriesTheNewestRetentionAndEachSavesDurations()
    {
        var (result, json) = CkptProcess.RunJson("show", "training/retained", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var checkpoints = json.GetProperty("checkpoints").EnumerateArray().ToList();
        Assert.Equal([3L, 4L, 5L], checkpoints.Select(c => c.GetProperty("step").GetInt64()));
        var retention = json.GetProperty("retention");
        Assert.Equal(checkpoints[^1].GetProperty("id").GetString(), retention.GetProperty("recordedBy").GetString());
        Assert.True(retention.GetProperty("recorded").GetBoolean());
        Assert.Equal(3, retention.GetProperty("keepLastN").GetInt32());
        Assert.Equal("loss", retention.GetProperty("bestMetric").GetString());
        Assert.Equal(1, retention.GetProperty("keepBestN").GetInt32());
        Assert.Equal("Min", retention.GetProperty("bestMetricMode").GetString());
        Assert.Equal(JsonValueKind.Null, retention.GetProperty("keepEveryMs").ValueKind);
        Assert.Equal("keep the last 3; the best 1 by loss (min)", retention.GetProperty("summary").GetString());
        Assert.All(checkpoints, c => Assert.True(c.GetProperty("writeMs").GetDouble() >= 0));

        // Step 3 was the first save of the second process: no previous save; steps 4 and 5 name the save before them,
        // whose row carries that duration as its own whole save.
        Assert.Equal(JsonValueKind.Null, checkpoints[0].GetProperty("previousSave").ValueKind);
        for (var i = 1; i < checkpoints.Count; i++)
        {
            var previous = checkpoints[i].GetProperty("previousSave");
            Assert.Equal(checkpoints[i - 1].GetProperty("id").GetString(), previous.GetProperty("checkpointId").GetString());
            Assert.Equal(checkpoints[i - 1].GetProperty("step").GetInt64(), previous.GetProperty("step").GetInt64());
            Assert.Equal(previous.GetProperty("durationMs").GetDouble(), checkpoints[i - 1].GetProperty("saveMs").GetDouble());
        }

        Assert.Equal(JsonValueKind.Null, checkpoints[^1].GetProperty("saveMs").ValueKind);
    }

    [Fact]
    public void Show_Table_PrintsRetentionAndWriteAndSaveColumns()
    {
        var result = CkptProcess.Run("show", "training/retained", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("Retention +keep the last 3; the best 1 by loss \\(min\\) \\(as recorded by the writer of checkpoint_step_5_[0-9_]+\\)", result.Stdout);
        Assert.Matches("│ Write +│ Save +│", result.Stdout);
        Assert.Equal(3, Regex.Count(result.Stdout, "checkpoint_step_[345]_[0-9_]+ +│.*│ [0-9.]+ ms +│"));
    }

    [Fact]
    public void Show_OlderFiles_SayRetentionIsNotRecorded()
    {
        var (result, json) = CkptProcess.RunJson("show", "training/legacy", "--root", folders.Root);
        var table = CkptProcess.Run("show", "training/legacy", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var retention = json.GetProperty("retention");
        Assert.False(retention.GetProperty("recorded").GetBoolean());
        Assert.Equal(JsonValueKind.Null, retention.GetProperty("keepLastN").ValueKind);
        Assert.All(json.GetProperty("checkpoints").EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("writeMs").ValueKind));
        Assert.Contains("Retention", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("not recorded (written by a version of Checkpointing from before", table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Write: from the start", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_RecordedDurations_PlotsWriteAndWholeSaveWithALegend()
    {
        var html = Report("training/retained");
        var plot = ReportHtml.Single(ReportHtml.Plots(html), "training/retained", "save-duration");

        // Three checkpoints are left (keep the last 3, steps 3 to 5), each with its write time. Step 3 was the first save of
        // the second process, so only steps 4 and 5 record the whole save before them (steps 3 and 4).
        Assert.Equal((3, 3, "dots"), (plot.DeclaredPoints, plot.Dots, plot.Drawn));
        Assert.Contains("data-series=\"whole save (durable)\" data-points=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("<li><span class=\"sw c2 dots\"></span>whole save (durable) (2)</li>", html, StringComparison.Ordinal);
        Assert.Contains(">Save duration<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-plot=\"save-interval\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_OlderFiles_FallBackToTheTimeBetweenSaves()
    {
        var html = Report("training/legacy");
        var plots = ReportHtml.Plots(html);

        Assert.Equal(2, ReportHtml.Single(plots, "training/legacy", "save-interval").DeclaredPoints);
        Assert.DoesNotContain(plots, p => p.Key == "save-duration");
        Assert.Contains("written before Checkpointing recorded how long each save took", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Study_PlotsTrialsFinishedAfterTheNewestCheckpointFromTheJournal()
    {
        using (var manager = new CheckpointManager("hpo", "partial", new CheckpointOptions { RootDirectory = folders.Root, ReadOnly = true }))
        {
            Assert.Equal(SaveRecordFolders.SnapshotTrials, manager.List()[^1].Step);
        }

        var html = Report("hpo/partial");
        var plot = ReportHtml.Single(ReportHtml.Plots(html), "hpo/partial", "study:trials");

        Assert.Equal((SaveRecordFolders.StudyTrials, SaveRecordFolders.StudyTrials), (plot.DeclaredPoints, plot.Dots));
        Assert.Contains($"{SaveRecordFolders.StudyTrials} finished trial(s) from the study journal (study.journal)", html, StringComparison.Ordinal);
    }

    private string Report(string run)
    {
        var file = Path.Combine(folders.Output, Guid.NewGuid().ToString("N") + ".html");
        var result = CkptProcess.Run("report", run, "--root", folders.Root, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        return File.ReadAllText(file);
    }
}
