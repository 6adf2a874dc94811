using System.Text.Json;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Reads a <see cref="RunHistory"/> through a read-only manager: every checkpoint's footer (<see cref="CheckpointManager.List"/>),
/// the health as <c>ckpt list</c> reports it and a study's trials from its journal (<see cref="RunSummarizer"/>), and, for a run
/// without a readable study journal, the newest valid state: the rewards per episode, or a study's trials from its snapshot.
/// </summary>
internal static class RunHistoryReader
{
    public static RunHistory Read(CheckpointRoot root, RunReference run)
    {
        var summary = RunSummarizer.Summarize(root, run, studyDetails: true);
        if (summary.Error is not null)
        {
            return new RunHistory(run, summary, [], [], null, null, null);
        }

        using var manager = root.OpenUnchecked(run);
        var checkpoints = manager.List();
        var study = FromJournal(summary.Study);
        RewardHistory? rewards = null;
        string? note = null;
        try
        {
            // A study's state holds no rewards: its newest state is read only when its journal could not be.
            if (study is null && manager.LoadLatest<JsonElement>() is { } latest)
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

    /// <summary>Every finished trial of the run's study, from its journal; null without a study journal or a readable header.</summary>
    private static StudyHistory? FromJournal(StudyReport? study) =>
        study is { Direction: string direction, Trials: { } trials } && Enum.TryParse<StudyDirection>(direction, out var parsed)
            ? new StudyHistory(parsed, [.. trials.Select(t => new TrialPoint(t.Number, t.State == nameof(TrialState.Failed) ? null : t.Value, t.FinishedUtc))], $"the study journal ({Study.JournalFileName})")
            : null;
}
