using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;

namespace Checkpointing.Cli.Reporting;

/// <summary>Everything the report shows of one run: its checkpoints (oldest first), its health, the events found in them, and the study or reward history in its newest valid state.</summary>
/// <param name="StateNote">Why the newest state was not read (damaged, not JSON), or null.</param>
internal sealed record RunHistory(
    RunReference Run,
    RunSummary Summary,
    IReadOnlyList<CheckpointMetadata> Checkpoints,
    IReadOnlyList<RunEvent> Events,
    StudyHistory? Study,
    RewardHistory? Rewards,
    string? StateNote)
{
    /// <summary>
    /// Damaged checkpoints, a run that could not be read at all, and a damaged journal or study journal (a torn tail is
    /// crash residue the writer cuts, not a problem): what makes the exit code 1, one sentence each.
    /// </summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = Summary.Damaged.Select(d => $"{d.FileName} is damaged: {d.Reason}").ToList();
            if (Summary.Error is { } error)
            {
                problems.Add($"The run cannot be read: {error}");
            }

            if (Summary.Journal is { Problem: string journalProblem } journal && JournalDisplay.IsProblem(journal.Health))
            {
                problems.Add($"journal/{journalProblem}");
            }

            if (Summary.Study?.Journal is { Problem: string studyProblem } studyJournal && JournalDisplay.IsProblem(studyJournal.Health))
            {
                problems.Add($"{studyJournal.FileName}: {studyProblem}");
            }

            return problems;
        }
    }

    public int ProblemCount => Problems.Count;
}
