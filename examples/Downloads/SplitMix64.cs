namespace Downloads;

/// <summary>
/// A tiny random generator with a documented algorithm, so the same seed gives the same data and
/// the same jitter on every .NET version and machine (System.Random's seeded sequence is not a contract).
/// </summary>
internal struct SplitMix64(ulong state)
{
    public ulong State { get; private set; } = state;

    /// <summary>Hashes <paramref name="parts"/> into one well-mixed seed.</summary>
    public static ulong Mix(params ReadOnlySpan<ulong> parts)
    {
        var rng = new SplitMix64(0x5EED_D0A7_5EED_D0A7UL);
        foreach (var part in parts)
        {
            rng = new SplitMix64(rng.NextUInt64() ^ part);
        }

        return rng.NextUInt64();
    }

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
