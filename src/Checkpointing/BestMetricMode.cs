namespace Checkpointing;

/// <summary>Whether a lower or a higher value of the tracked metric is better.</summary>
public enum BestMetricMode
{
    /// <summary>Lower is better (loss, error).</summary>
    Min = 0,

    /// <summary>Higher is better (accuracy, reward).</summary>
    Max = 1,
}
