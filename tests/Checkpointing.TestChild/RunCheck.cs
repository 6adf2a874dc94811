namespace Checkpointing.TestChild;

/// <summary>Opens a crashed run as the next writer would and verifies what it loads.</summary>
public static class RunCheck
{
    /// <summary>Counts stray temp files, opens the run for writing (which cleans them), loads and verifies the latest checkpoint.</summary>
    public static RunCheckResult Run(string root)
    {
        var runDirectory = Path.Combine(root, LoopState.ProcessType, LoopState.RunName);
        var tempBefore = CountTemp(runDirectory);
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, Options(root));
        var tempAfter = CountTemp(runDirectory);
        var latest = manager.LoadLatest<LoopState>();
        if (latest is null)
        {
            return new RunCheckResult(tempBefore, tempAfter, null, 0, null);
        }

        var problem = latest.State is null ? "state is null" : latest.State.Problem(latest.Metadata.Step);
        return new RunCheckResult(tempBefore, tempAfter, latest.Metadata.Step, latest.Skipped.Count, problem);
    }

    /// <summary>The options every child mode opens the run with.</summary>
    public static CheckpointOptions Options(string root) => new() { RootDirectory = root, KeepLastN = 3 };

    /// <summary>Temp files of interrupted saves in <paramref name="runDirectory"/>.</summary>
    public static int CountTemp(string runDirectory) =>
        Directory.Exists(runDirectory) ? Directory.GetFiles(runDirectory, "*.tmp-*").Length : 0;
}
