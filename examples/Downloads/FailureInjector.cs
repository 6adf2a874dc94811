namespace Downloads;

/// <summary>
/// Decides, from a seeded stream, which requests fail: half of the failures are <c>500 Internal
/// Server Error</c>, half are a connection cut somewhere in the body.
/// </summary>
internal sealed class FailureInjector(double rate, ulong seed)
{
    private readonly Lock _gate = new();
    private SplitMix64 _rng = new(SplitMix64.Mix(seed, 0xFA11));

    public InjectedFailure Next(long bodyBytes)
    {
        if (rate <= 0)
        {
            return InjectedFailure.None;
        }

        lock (_gate)
        {
            if (_rng.NextDouble() >= rate)
            {
                return InjectedFailure.None;
            }

            return _rng.NextDouble() < 0.5
                ? new InjectedFailure(ServerError: true, CutAfterBytes: null)
                : new InjectedFailure(ServerError: false, CutAfterBytes: (long)(_rng.NextDouble() * bodyBytes));
        }
    }
}
