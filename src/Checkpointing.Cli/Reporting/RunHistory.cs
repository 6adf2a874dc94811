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
    /// <summary>Damaged files and a run that could not be read at all: what makes the exit code 1.</summary>
    public int ProblemCount => Summary.Damaged.Count + (Summary.Error is null ? 0 : 1);
}
