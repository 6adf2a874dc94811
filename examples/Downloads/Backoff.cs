namespace Downloads;

/// <summary>
/// Exponential backoff with jitter: the n-th retry waits a random time between half and all of
/// <c>base × 2^(n-1)</c>, capped, so workers that failed together do not retry together.
/// The jitter comes from a seeded stream.
/// </summary>
internal sealed class Backoff(ulong seed)
{
    public const int MaxAttempts = 10;

    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private SplitMix64 _rng = new(SplitMix64.Mix(seed, 0xBAC0FF));

    /// <summary>How long to wait before attempt <paramref name="attempt"/> + 1.</summary>
    public TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double fraction;
        lock (_gate)
        {
            fraction = _rng.NextDouble();
        }

        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (0.5 * fraction)));
    }
}
