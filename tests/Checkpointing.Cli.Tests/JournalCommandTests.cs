using System.Globalization;
using System.Text.Json;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Tests;

[Collection(JournalFoldersCollection.Name)]
public sealed class JournalCommandTests(JournalFolders folders)
{
    [Fact]
    public void List_JournalOnlyRun_IsListedWithItsRecordsAndHealthy()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = Run(json, "events", "healthy");
        Assert.Equal(0, run.GetProperty("checkpointCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        Assert.Equal(0, run.GetProperty("damaged").GetArrayLength());
        var journal = run.GetProperty("journal");
        Assert.Equal(60, journal.GetProperty("records").GetInt64());
        Assert.Equal(1, journal.GetProperty("firstSequence").GetInt64());
        Assert.Equal(60, journal.GetProperty("lastSequence").GetInt64());
        Assert.Equal(2, journal.GetProperty("segmentCount").GetInt32());
        Assert.Equal((2 * JournalFolders.SegmentHeaderBytes) + (60 * JournalFolders.RecordBytes), journal.GetProperty("bytes").GetInt64());
        Assert.Equal("Valid", journal.GetProperty("health").GetString());
        Assert.Equal(JsonValueKind.Null, journal.GetProperty("segments").ValueKind);

        var text = CkptProcess.Run("list", "--root", folders.Root);
        var line = Assert.Single(text.Stdout.Split('\n'), l => l.Contains("events/healthy", StringComparison.Ordinal));
        Assert.Contains("60 records; 2 segments", line, StringComparison.Ordinal);
        Assert.Contains("journal valid", line, StringComparison.Ordinal);
        Assert.DoesNotContain("damaged", line, StringComparison.Ordinal);
    }

    [Fact]
    public void List_Study_ShowsTrialsAndBestValue()
    {
        var (result, json) = CkptProcess.RunJson("list", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var study = Run(json, "hpo", "search").GetProperty("study");
        var best = Best(folders.StudyTrials);
        Assert.Equal(6, study.GetProperty("finishedTrials").GetInt32());
        Assert.Equal(5, study.GetProperty("completeTrials").GetInt32());
        Assert.Equal(1, study.GetProperty("failedTrials").GetInt32());
        Assert.Equal(best.Number, study.GetProperty("bestTrialNumber").GetInt32());
        Assert.Equal(best.Value!.Value, study.GetProperty("bestValue").GetDouble());
        Assert.Equal("Valid", study.GetProperty("journal").GetProperty("health").GetString());
        Assert.Equal(JsonValueKind.Null, study.GetProperty("trials").ValueKind);

        var text = CkptProcess.Run("list", "--root", folders.Root);
        var line = Assert.Single(text.Stdout.Split('\n'), l => l.Contains("hpo/search", StringComparison.Ordinal));
        Assert.Contains($"6 trials, best {best.Value.Value.ToString("G6", CultureInfo.InvariantCulture)} (#{best.Number})", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_Study_Json_CarriesWhatTheStudyWrote()
    {
        var (result, json) = CkptProcess.RunJson("show", "hpo/search", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, json.GetProperty("checkpoints").GetArrayLength());
        var study = json.GetProperty("study");
        Assert.Equal("Minimize", study.GetProperty("direction").GetString());
        Assert.Equal(7UL, study.GetProperty("seed").GetUInt64());
        Assert.Equal(1, study.GetProperty("sessions").GetInt32());
        Assert.Equal(0, study.GetProperty("interruptions").GetInt32());
        var parameters = study.GetProperty("parameters").EnumerateArray().ToList();
        Assert.Equal(["lr", "hidden", "act"], parameters.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(["float", "int", "categorical"], parameters.Select(p => p.GetProperty("kind").GetString()));
        Assert.True(parameters[0].GetProperty("log").GetBoolean());
        Assert.Equal(64, parameters[1].GetProperty("high").GetDouble());
        Assert.Equal(["relu", "tanh"], parameters[2].GetProperty("choices").EnumerateArray().Select(c => c.GetString()));

        var trials = study.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(folders.StudyTrials.Count, trials.Count);
        var best = Best(folders.StudyTrials);
        foreach (var (written, shown) in folders.StudyTrials.Zip(trials))
        {
            Assert.Equal(written.Number, shown.GetProperty("number").GetInt32());
            Assert.Equal(written.State.ToString(), shown.GetProperty("state").GetString());
            Assert.Equal(written.Value, shown.GetProperty("value").ValueKind == JsonValueKind.Null ? null : shown.GetProperty("value").GetDouble());
            var shownParams = shown.GetProperty("params");
            Assert.Equal(written.Params["lr"].AsDouble(), shownParams.GetProperty("lr").GetDouble());
            Assert.Equal(written.Params["hidden"].AsInt(), shownParams.GetProperty("hidden").GetInt32());
            Assert.Equal(written.Params["act"].AsString(), shownParams.GetProperty("act").GetString());
            Assert.Equal(written.Error, shown.GetProperty("error").GetString());
            Assert.Equal(written.Number == best.Number, shown.GetProperty("isBest").GetBoolean());
        }

        Assert.Contains("diverged", trials[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(trials[0].GetProperty("value").GetDouble(), trials[0].GetProperty("bestSoFar").GetDouble());
        Assert.Equal(best.Value, trials[^1].GetProperty("bestSoFar").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("journal").ValueKind);
    }

    [Fact]
    public void Show_Study_Table_MarksTheBestTrial()
    {
        var result = CkptProcess.Run("show", "hpo/search", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var best = Best(folders.StudyTrials);
        var rows = result.Stdout.Split('\n').Where(l => l.Contains("lr=", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, rows.Count);
        var marked = Assert.Single(rows, r => r.Contains('★', StringComparison.Ordinal) || r.Contains(" * ", StringComparison.Ordinal));
        Assert.StartsWith($"│ {best.Number} ", marked, StringComparison.Ordinal);
        Assert.Contains("Minimize, seed 7", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("6 finished (5 complete, 1 failed)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_HealthyJournal_ListsEverySegment()
    {
        var (result, json) = CkptProcess.RunJson("show", "events/healthy", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var segments = json.GetProperty("journal").GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(2, segments.Count);
        Assert.Equal(1, segments[0].GetProperty("firstSequence").GetInt64());
        Assert.Equal(segments[0].GetProperty("lastSequence").GetInt64() + 1, segments[1].GetProperty("firstSequence").GetInt64());
        Assert.Equal(60, segments[1].GetProperty("lastSequence").GetInt64());
        Assert.Equal(60, segments.Sum(s => s.GetProperty("records").GetInt64()));
        Assert.All(segments, s => Assert.Equal("Valid", s.GetProperty("health").GetString()));
        Assert.All(segments, s => Assert.Equal(s.GetProperty("bytes").GetInt64(), s.GetProperty("validBytes").GetInt64()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("study").ValueKind);

        var text = CkptProcess.Run("show", "events/healthy", "--root", folders.Root);
        Assert.Contains("records 1..60 (60)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("has no checkpoints", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_WorkList_ReportsItsSnapshot()
    {
        var (result, json) = CkptProcess.RunJson("show", "download/worklist", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var journal = json.GetProperty("journal");
        var snapshot = journal.GetProperty("snapshot");
        Assert.Equal("worklist", snapshot.GetProperty("kind").GetString());
        Assert.Equal(10, snapshot.GetProperty("journalSequence").GetInt64());
        Assert.Equal(5, snapshot.GetProperty("step").GetInt64());
        Assert.Equal(0, snapshot.GetProperty("recordsAfter").GetInt64());
        Assert.Equal(10, journal.GetProperty("lastSequence").GetInt64());
        var checkpoint = Assert.Single(json.GetProperty("checkpoints").EnumerateArray());
        Assert.Equal(checkpoint.GetProperty("id").GetString(), snapshot.GetProperty("checkpointId").GetString());
    }

    [Fact]
    public void Verify_HealthyJournalAndStudy_ExitZero()
    {
        foreach (var run in new[] { "events/healthy", "hpo/search", "download/worklist" })
        {
            var (result, json) = CkptProcess.RunJson("verify", run, "--root", folders.Root);

            Assert.True(result.ExitCode == 0, run + ": " + result);
            Assert.True(json.GetProperty("ok").GetBoolean());
            Assert.Equal(0, json.GetProperty("journalDamaged").GetInt32());
            Assert.All(json.GetProperty("journalFiles").EnumerateArray(), f => Assert.Equal("Valid", f.GetProperty("health").GetString()));
        }

        var (_, healthy) = CkptProcess.RunJson("verify", "events/healthy", "--root", folders.Root);
        Assert.Equal(2, healthy.GetProperty("journalChecked").GetInt32());
        Assert.Equal(60, healthy.GetProperty("journalFiles").EnumerateArray().Sum(f => f.GetProperty("records").GetInt64()));
    }

    [Fact]
    public void Verify_FlippedByteInAMiddleRecord_ExitsOneNamingTheSegmentAndOffset()
    {
        var result = CkptProcess.Run("verify", "events/flipped", "--root", folders.Root);
        var (jsonResult, json) = CkptProcess.RunJson("verify", "events/flipped", "--root", folders.Root);

        Assert.True(result.ExitCode == 1, result.ToString());
        var offset = JournalFolders.FlippedRecordOffset.ToString(CultureInfo.InvariantCulture);
        var line = Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("DAMAGED", StringComparison.Ordinal));
        Assert.Contains($"events/flipped/journal/{folders.FlippedSegment}", line, StringComparison.Ordinal);
        Assert.Contains($"offset {offset} (sequence 5)", line, StringComparison.Ordinal);
        Assert.Contains("checksum", line, StringComparison.Ordinal);
        Assert.Equal(1, jsonResult.ExitCode);
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.Equal(1, json.GetProperty("journalDamaged").GetInt32());
        var file = Assert.Single(json.GetProperty("journalFiles").EnumerateArray());
        Assert.Equal($"journal/{folders.FlippedSegment}", file.GetProperty("file").GetString());
        Assert.Equal("Damaged", file.GetProperty("health").GetString());
        Assert.Equal(JournalFolders.FlippedRecordOffset, file.GetProperty("problemOffset").GetInt64());
        Assert.Equal(4, file.GetProperty("records").GetInt64());
    }

    [Fact]
    public void Verify_WholeRoot_WithADamagedJournal_ExitsOne()
    {
        var (result, json) = CkptProcess.RunJson("verify", "--root", folders.Root);

        Assert.True(result.ExitCode == 1, result.ToString());
        var problems = json.GetProperty("journalFiles").EnumerateArray().Where(f => f.GetProperty("health").GetString() != "Valid")
            .Select(f => $"{f.GetProperty("processType").GetString()}/{f.GetProperty("name").GetString()}: {f.GetProperty("health").GetString()}").Order(StringComparer.Ordinal);
        Assert.Equal(["events/flipped: Damaged", "events/torn: TornTail", "hpo/damaged: Damaged"], problems);
        Assert.Equal(1, json.GetProperty("journalTornTails").GetInt32());
    }

    [Fact]
    public void Verify_TornTail_IsAWarningLikeTheLibraryThatCutsItOnOpen()
    {
        var result = CkptProcess.Run("verify", "events/torn", "--root", folders.Root);
        var (jsonResult, json) = CkptProcess.RunJson("verify", "events/torn", "--root", folders.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Split('\n'), l => l.StartsWith("TORN TAIL", StringComparison.Ordinal));
        Assert.Contains($"events/torn/journal/{folders.TornSegment}", line, StringComparison.Ordinal);
        Assert.Contains($"from offset {JournalFolders.TornRecordOffset.ToString(CultureInfo.InvariantCulture)}", line, StringComparison.Ordinal);
        Assert.Contains("cut short", line, StringComparison.Ordinal);
        Assert.Contains("1 with a torn tail", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, jsonResult.ExitCode);
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(1, json.GetProperty("journalTornTails").GetInt32());
        var file = Assert.Single(json.GetProperty("journalFiles").EnumerateArray());
        Assert.Equal("TornTail", file.GetProperty("health").GetString());
        Assert.Equal(9, file.GetProperty("records").GetInt64());

        // What the library does on open: keep the 9 committed records and cut the torn one.
        var copy = CopyRun("events", "torn");
        try
        {
            using var manager = new CheckpointManager("events", "torn", new CheckpointOptions { RootDirectory = copy });
            using var journal = Journaling.Journal.Open(manager);
            Assert.Equal(9, journal.LastSequence);
            Assert.Empty(Directory.EnumerateFiles(journal.Directory, "*.damaged-*"));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void Verify_DamagedStudyJournal_ExitsOneNamingTheFile()
    {
        var (result, json) = CkptProcess.RunJson("verify", "hpo/damaged", "--root", folders.Root);

        Assert.True(result.ExitCode == 1, result.ToString());
        var file = Assert.Single(json.GetProperty("journalFiles").EnumerateArray());
        Assert.Equal(Study.JournalFileName, file.GetProperty("file").GetString());
        Assert.Equal("Damaged", file.GetProperty("health").GetString());
        Assert.True(file.GetProperty("problemOffset").GetInt64() <= new FileInfo(folders.DamagedStudyJournal).Length / 2);

        var list = CkptProcess.Run("list", "--root", folders.Root);
        Assert.Contains("hpo/damaged: study.journal: the record at offset", list.Stdout, StringComparison.Ordinal);
        var show = CkptProcess.Run("show", "hpo/damaged", "--root", folders.Root);
        Assert.Equal(1, show.ExitCode);
    }

    [Theory]
    [InlineData("events/flipped", 1)]
    [InlineData("hpo/damaged", 1)]
    [InlineData("events/torn", 0)]
    [InlineData("events/healthy", 0)]
    public void Report_JournalHealth_IsInThePageAndTheExitCode(string run, int exitCode)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ckpt-report-{Guid.NewGuid():N}.html");
        try
        {
            var result = CkptProcess.Run("report", run, "--root", folders.Root, "--out", file);

            Assert.True(result.ExitCode == exitCode, result.ToString());
            var html = File.ReadAllText(file);
            Assert.Equal(exitCode == 1, html.Contains("Problems found", StringComparison.Ordinal));
            Assert.Equal(exitCode == 1, result.Stdout.Contains($"{run}: ", StringComparison.Ordinal));
            Assert.Contains(run.StartsWith("hpo/", StringComparison.Ordinal) ? "<dt>Study</dt>" : "<dt>Journal</dt>", html, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonElement Run(JsonElement list, string processType, string name) =>
        list.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("processType").GetString() == processType && r.GetProperty("name").GetString() == name);

    private static FinishedTrial Best(IReadOnlyList<FinishedTrial> trials) =>
        trials.Where(t => t.State == TrialState.Complete).MinBy(t => t.Value!.Value)!;

    /// <summary>A copy of one run under a new root, so that opening it for writing leaves the shared fixture as it was.</summary>
    private string CopyRun(string processType, string name)
    {
        var root = Path.Combine(Path.GetTempPath(), "ckpt-cli-copy-" + Guid.NewGuid().ToString("N"));
        var source = Path.Combine(folders.Root, processType, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, processType, name, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return root;
    }
}
