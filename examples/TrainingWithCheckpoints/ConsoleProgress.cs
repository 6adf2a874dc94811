using System.Globalization;
using Checkpointing;
using Checkpointing.Studies;
using Checkpointing.Training;

namespace TrainingWithCheckpoints;

/// <summary>
/// The study callback of this example: prints one Optuna-style line per finished trial, then lets
/// the <see cref="TrainingCheckpointCallback"/> decide whether to save, and prints a line for every
/// checkpoint it wrote. By the time this runs, the trial is already durable in the study's journal.
/// </summary>
internal sealed class ConsoleProgress(TrainingCheckpointCallback checkpoints) : IStudyCallback
{
    public void OnTrialFinished(Study study, FinishedTrial trial)
    {
        var best = study.BestTrial is { } b ? $" Best is trial {b.Number} with value: {FormatValue(b.Value)}." : string.Empty;
        if (trial.State == TrialState.Complete)
        {
            Console.WriteLine($"[I {Now()}] Trial {trial.Number} finished with value: {FormatValue(trial.Value)} and parameters: {FormatParams(trial.Params)}.{best}");
        }
        else
        {
            Console.WriteLine($"[W {Now()}] Trial {trial.Number} failed with parameters: {FormatParams(trial.Params)} because of the following error: {trial.Error}.{best}");
        }

        var saves = checkpoints.SaveCount;
        checkpoints.OnTrialFinished(study, trial);
        if (checkpoints.SaveCount != saves && checkpoints.LastCheckpoint is { } saved)
        {
            PrintSaved(saved);
        }
    }

    public static void PrintSaved(CheckpointMetadata saved)
    {
        var trigger = saved.Tags.TryGetValue(TrainingCheckpointCallback.TriggerTag, out var t) ? $" [{t}]" : string.Empty;
        var total = saved.TotalSteps is { } n ? $"/{n.ToString(CultureInfo.InvariantCulture)}" : string.Empty;
        var percent = saved.ProgressPercent is { } p ? $" ({p:F1}%)" : string.Empty;
        Console.WriteLine($"✓ Checkpoint saved: {saved.Id} (step {saved.Step}{total}){percent}{trigger}");
    }

    public static string FormatValue(double? value) =>
        value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "none";

    public static string FormatParams(IReadOnlyDictionary<string, ParameterValue> parameters) =>
        "{" + string.Join(", ", parameters.Select(p => $"'{p.Key}': {FormatParam(p.Value)}")) + "}";

    public static string FormatParam(ParameterValue value) => value.Kind switch
    {
        ParameterKind.Float => value.AsDouble().ToString("G4", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal),
        ParameterKind.Int => value.AsInt().ToString(CultureInfo.InvariantCulture),
        _ => $"'{value.AsString()}'",
    };

    private static string Now() => DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
