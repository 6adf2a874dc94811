namespace Checkpointing.Studies;

/// <summary>The kind of a search-space parameter.</summary>
public enum ParameterKind
{
    /// <summary>A real number in a range, sampled uniformly or in log space.</summary>
    Float = 0,

    /// <summary>An integer in an inclusive range, sampled uniformly or in log space.</summary>
    Int = 1,

    /// <summary>One of a fixed list of strings.</summary>
    Categorical = 2,
}
