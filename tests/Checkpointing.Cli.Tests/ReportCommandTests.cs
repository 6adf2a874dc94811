using System.Text.RegularExpressions;

namespace Checkpointing.Cli.Tests;

[Collection(ReportFoldersCollection.Name)]
public sealed class ReportCommandTests(ReportFolders folders)
{
    [Fact]
    public void Report_EveryRun_WritesOnePageWithAContentsListAndASectionPerRun()
    {
        var file = OutputFile();

        var result = CkptProcess.Run("report", "--root", folders.Root, "--out", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Trim().Split('\n'));
        Assert.Matches($"^Wrote {Regex.Escape(file)} \\([0-9.]+ KiB\\): 3 run\\(s\\), [0-9]+ plot\\(s\\)\\.$", line);
        var html = File.ReadAllText(file);
        Assert.Equal(["hpo/search", "rl/agent", "training/mlp"], ReportHtml.Plots(html).Select(p => p.Run).Distinct());
        Assert.Equal(3, Regex.Count(html, "<section class=\"run\""));
        Assert.Equal(3, Regex.Count(html, "<li><a href=\"#run-[0-9]+\">"));
        Assert.Equal(ReportHtml.Plots(html).Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Regex.Match(line, "([0-9]+) plot").Groups[1].Value);
    }

    [Fact]
    public void Report_Run_HasADotPerCheckpointInEveryCheckpointPlot()
    {
        var checkpoints = Checkpoints("training", "mlp");

        var plots = ReportHtml.Plots(Report("training/mlp"));

        foreach (var (key, expected) in new[]
        {
            ("progress", checkpoints.Count),
            ("size", checkpoints.Count),
            ("save-duration", checkpoints.Count),
            ("metric:loss", checkpoints.Count(c => c.Metrics.ContainsKey("loss"))),
            ("metric:accuracy", checkpoints.Count(c => c.Metrics.ContainsKey("accuracy"))),
        })
        {
            var plot = ReportHtml.Single(plots, "training/mlp", key);
            Assert.True(expected == plot.DeclaredPoints && expected == plot.Dots && plot.Drawn == "dots", $"{key}: expected {expected} dots, got {plot}");
        }

        Assert.True(checkpoints.Count > 10, "the fixture should have a checkpoint every 10 steps");
    }

    [Fact]
    public void Report_Interruption_IsMarkedOnTheTimeAndStepAxes()
    {
        var checkpoints = Checkpoints("training", "mlp");
        Assert.Single(checkpoints, c => c.Status == CheckpointStatus.Interrupted);

        var html = Report("training/mlp");
        var plots = ReportHtml.Plots(html);

        Assert.All(plots, p => Assert.Equal(["interrupted", "resumed"], p.MarkerKinds.Order()));
        Assert.Contains($"interrupted at step {ReportFolders.MlpInterruptedAfter}", html, StringComparison.Ordinal);
        Assert.Contains($"resumed: session 2 after step {ReportFolders.MlpInterruptedAfter}", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Study_PlotsEveryTrialAndTheBestSoFar()
    {
        var html = Report("hpo/search");
        var plot = ReportHtml.Single(ReportHtml.Plots(html), "hpo/search", "study:trials");

        Assert.Equal(ReportFolders.StudyTrials, plot.DeclaredPoints);
        Assert.Equal(ReportFolders.StudyTrials, plot.Dots);
        Assert.Contains($"data-series=\"best so far\" data-points=\"{ReportFolders.StudyTrials}\"", html, StringComparison.Ordinal);
        Assert.Contains("interrupted", plot.MarkerKinds);
        Assert.Contains("Objective value per trial (minimize)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ReinforcementLearning_DrawsTheRewardOfEveryEpisodeAsALine()
    {
        var plot = ReportHtml.Single(ReportHtml.Plots(Report("rl/agent")), "rl/agent", "rl:reward");

        Assert.Equal(ReportFolders.Episodes, plot.DeclaredPoints);
        Assert.Equal("line", plot.Drawn);
        Assert.Equal(ReportFolders.Episodes, plot.LineVertices);
        Assert.Equal(0, plot.Dots);
        Assert.Contains("interrupted", plot.MarkerKinds);
    }

    [Fact]
    public void Report_Page_IsSelfContained()
    {
        var html = Report(null);

        Assert.DoesNotMatch("(?i)<script", html);
        Assert.DoesNotMatch("(?i)<link\\b", html);
        Assert.DoesNotMatch("(?i)\\b(src|href)\\s*=\\s*\"?(https?:)?//", html);
        Assert.DoesNotMatch("(?i)url\\(|@import", html);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Report_NamesFromTheRun_AreEscaped()
    {
        var html = Report("training/mlp");

        Assert.DoesNotContain("<b>name</b>", html, StringComparison.Ordinal);
        Assert.Contains("odd &lt;b&gt;name&lt;/b&gt; &amp; &quot;quotes&quot; &#39;too&#39;", html, StringComparison.Ordinal);
        Assert.Single(ReportHtml.Plots(html), p => p.Key == "metric:" + ReportFolders.OddMetric);
    }

    [Fact]
    public void Report_Json_ListsEveryPlotWithItsPointCount()
    {
        var file = OutputFile();

        var (result, json) = CkptProcess.RunJson("report", "rl/agent", "--root", folders.Root, "--out", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(file, json.GetProperty("file").GetString());
        Assert.Equal(new FileInfo(file).Length, json.GetProperty("bytes").GetInt64());
        var listed = json.GetProperty("plotList").EnumerateArray().Select(p => (p.GetProperty("plot").GetString() ?? string.Empty, p.GetProperty("points").GetInt32())).ToList();
        Assert.Equal(ReportHtml.Plots(File.ReadAllText(file)).Select(p => (p.Key, p.DeclaredPoints)), listed);
        Assert.Empty(json.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public void Report_DamagedCheckpoint_IsShownInThePageAndExitsOne()
    {
        var file = OutputFile();

        var result = CkptProcess.Run("report", "--root", folders.DamagedRoot, "--out", file);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("training/damaged: checkpoint_step_3_", result.Stdout, StringComparison.Ordinal);
        var html = File.ReadAllText(file);
        Assert.Contains("Problems found", html, StringComparison.Ordinal);
        Assert.Matches("checkpoint_step_3_[0-9_]+\\.ckpt is damaged", html);
    }

    [Fact]
    public void Report_UnknownRun_ExitsTwoListingTheRunsAndWritesNothing()
    {
        var file = OutputFile();

        var result = CkptProcess.Run("report", "training/nope", "--root", folders.Root, "--out", file);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("No run 'training/nope'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("hpo/search", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Report_OutInMissingDirectory_ExitsTwo()
    {
        var result = CkptProcess.Run("report", "--root", folders.Root, "--out", Path.Combine(folders.Output, "no-such-dir", "r.html"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("create it first", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_EmptyRoot_WritesAPageSayingSoAndExitsZero()
    {
        var file = OutputFile();

        var result = CkptProcess.Run("report", "--root", folders.EmptyRoot, "--out", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 run(s), 0 plot(s)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("No runs under", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_MissingRoot_ExitsTwo()
    {
        var result = CkptProcess.Run("report", "--root", Path.Combine(folders.EmptyRoot, "missing"), "--out", OutputFile());

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--root DIR", result.Stderr, StringComparison.Ordinal);
    }

    private string Report(string? run)
    {
        var file = OutputFile();
        var result = run is null
            ? CkptProcess.Run("report", "--root", folders.Root, "--out", file)
            : CkptProcess.Run("report", run, "--root", folders.Root, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        return File.ReadAllText(file);
    }

    private string OutputFile() => Path.Combine(folders.Output, Guid.NewGuid().ToString("N") + ".html");

    private IReadOnlyList<CheckpointMetadata> Checkpoints(string processType, string name)
    {
        using var manager = new CheckpointManager(processType, name, new CheckpointOptions { RootDirectory = folders.Root, ReadOnly = true });
        return manager.List();
    }
}
