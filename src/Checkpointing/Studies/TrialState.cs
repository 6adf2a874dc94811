namespace Checkpointing.Studies;

/// <summary>How a trial ended.</summary>
public enum TrialState
{
    /// <summary>The objective returned a value (which may be ±infinity, never NaN).</summary>
    Complete = 0,

    /// <summary>The objective threw, or returned NaN; <see cref="FinishedTrial.Error"/> says why and <see cref="FinishedTrial.Value"/> is null.</summary>
    Failed = 1,
}
