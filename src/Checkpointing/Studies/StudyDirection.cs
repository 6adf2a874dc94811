namespace Checkpointing.Studies;

/// <summary>Whether a study looks for the smallest or the largest objective value.</summary>
public enum StudyDirection
{
    /// <summary>Smaller values are better (a loss, an error rate). The default.</summary>
    Minimize = 0,

    /// <summary>Larger values are better (an accuracy, a reward).</summary>
    Maximize = 1,
}
