namespace Checkpointing.Studies;

/// <summary>
/// Observes a running <see cref="Study"/>. Passed to <see cref="Study.Optimize(Func{Trial, double}, int, IEnumerable{IStudyCallback}?, CancellationToken)"/>.
/// </summary>
public interface IStudyCallback
{
    /// <summary>
    /// Called after each finished trial (complete or failed) once its record is durable in the study's
    /// journal, so <paramref name="study"/> already includes <paramref name="trial"/>. An exception thrown
    /// here stops <c>Optimize</c> and propagates to its caller; the trial stays recorded.
    /// </summary>
    void OnTrialFinished(Study study, FinishedTrial trial);
}
