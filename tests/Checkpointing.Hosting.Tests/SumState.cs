namespace Checkpointing.Hosting.Tests;

/// <summary>
/// The test worker's state: a hash of every step done, in order, so a skipped or repeated step shows, and the list of
/// steps done, which a step changes in place (as a mutable state would) before it can fail.
/// </summary>
public sealed record SumState(long Hash, long Total)
{
    public List<long> Done { get; init; } = [];

    public SumState Advance(long step) => this with { Hash = unchecked((Hash * 31) + step + 1) };

    /// <summary>The hash after <paramref name="steps"/> steps from the start.</summary>
    public static long Expected(long steps)
    {
        var state = new SumState(0, steps);
        for (var step = 0L; step < steps; step++)
        {
            state = state.Advance(step);
        }

        return state.Hash;
    }
}
