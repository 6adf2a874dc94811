using Checkpointing.Studies;

namespace Checkpointing.Cli.Reporting;

/// <summary>A study's finished trials, with the direction that decides "best".</summary>
/// <param name="Source">Where the trials were read, for the page: <c>the study journal (study.journal)</c>, or the study snapshot in a checkpoint.</param>
internal sealed record StudyHistory(StudyDirection Direction, IReadOnlyList<TrialPoint> Trials, string Source)
{
    /// <summary>The best value so far after each trial (null until a trial completes), respecting <see cref="Direction"/>.</summary>
    public IReadOnlyList<double?> BestSoFar()
    {
        var best = new List<double?>(Trials.Count);
        double? current = null;
        foreach (var trial in Trials)
        {
            if (trial.Value is double value && !double.IsNaN(value)
                && (current is not double c || (Direction == StudyDirection.Minimize ? value < c : value > c)))
            {
                current = value;
            }

            best.Add(current);
        }

        return best;
    }
}
