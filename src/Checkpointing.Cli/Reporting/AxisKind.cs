namespace Checkpointing.Cli.Reporting;

/// <summary>What an axis measures, which decides its ticks and their labels.</summary>
internal enum AxisKind
{
    /// <summary>Any number (a metric, a reward): ticks at 1, 2 or 5 × 10ⁿ.</summary>
    Number,

    /// <summary>Whole units (steps, trials, episodes): integer ticks.</summary>
    Count,

    /// <summary>Wall-clock time in Unix seconds, labelled in UTC.</summary>
    Time,

    /// <summary>A size in bytes, labelled in B, KiB, MiB, … from zero.</summary>
    Bytes,

    /// <summary>A duration in seconds, labelled in ms, s, min, h or d from zero.</summary>
    Seconds,
}
