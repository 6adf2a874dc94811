using System.Text.Json;
using Checkpointing.Cli.Runs;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Reads a <see cref="RunHistory"/> through a read-only manager: every checkpoint's footer (<see cref="CheckpointManager.List"/>),
/// the health as <c>ckpt list</c> reports it (the newest valid checkpoint verified fully, unreadable footers) and the newest
/// valid state, for a study's trials or the rewards per episode.
/// </summary>
internal static class RunHistoryReader
{
    public static RunHistory Read(CheckpointRoot root, RunReference run)
    {
        var summary = RunSummarizer.Summarize(root, run);
        if (summary.Error is not null)
        {
            return new RunHistory(run, summary, [], [], null, null, null);
        }

        using var manager = root.OpenUnchecked(run);
        var checkpoints = manager.List();
        StudyHistory? study = null;
        RewardHistory? rewards = null;
        string? note = null;
        try
        {
            if (manager.LoadLatest<JsonElement>() is { } latest)
            {
                study = RunStateReader.ReadStudy(latest.State, latest.Metadata.Id);
                rewards = study is null ? RunStateReader.ReadRewards(latest.State, latest.Metadata.Id) : null;
            }
        }
        catch (CheckpointSerializationException)
        {
            note = "The newest state is not JSON (another serializer wrote it), so only the checkpoints' metadata is plotted.";
        }
        catch (CheckpointException ex)
        {
            note = $"The newest state could not be read ({ex.Message}), so only the checkpoints' metadata is plotted.";
        }

        return new RunHistory(run, summary, checkpoints, RunEventDetector.Detect(checkpoints), study, rewards, note);
    }
}
