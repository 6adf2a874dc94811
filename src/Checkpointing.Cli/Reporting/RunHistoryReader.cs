using System.Text.Json;
using Checkpointing.Cli.Runs;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Reads a <see cref="RunHistory"/> through a read-only manager: every checkpoint's footer (<see cref="CheckpointManager.List"/>),
/// the health as <c>ckpt list</c> reports it (<see cref="RunSummarizer"/>: footers, the newest valid checkpoint verified), a study's trials
/// from its journal (<see cref="Study.Inspect"/>), and the newest valid state, for the rewards per episode (or a study's
/// trials from its snapshot when the journal is missing or unreadable).
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
            study = ReadStudyJournal(manager);
            if (manager.LoadLatest<JsonElement>() is { } latest)
            {
                study ??= RunStateReader.ReadStudy(latest.State, latest.Metadata.Id);
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

    /// <summary>Every finished trial of the run's study, from its journal; null without a study journal or a readable header.</summary>
    private static StudyHistory? ReadStudyJournal(CheckpointManager manager)
    {
        StudyInspection? inspection;
        try
        {
            inspection = Study.Inspect(manager);
        }
        catch (CheckpointException)
        {
            // Unreadable (permissions, another version): the snapshot in the newest checkpoint is the fallback, and 'ckpt verify' says why.
            return null;
        }

        return inspection is { Direction: StudyDirection direction }
            ? new StudyHistory(direction, [.. inspection.Trials.Select(t => new TrialPoint(t.Number, t.State == TrialState.Failed ? null : t.Value, t.FinishedAt))], $"the study journal ({Study.JournalFileName})")
            : null;
    }
}
