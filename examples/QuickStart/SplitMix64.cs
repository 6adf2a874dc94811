namespace QuickStart;

/// <summary>
/// A tiny random generator whose whole state is one <see cref="ulong"/>, so it can be saved in a
/// checkpoint and resumed exactly (System.Random's state cannot be saved).
/// </summary>
internal struct SplitMix64(ulong state)
{
    public ulong State { get; private set; } = state;

    public ulong NextUInt64()
    {
        State += 0x9E3779B97F4A7C15UL;
        var z = State;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
