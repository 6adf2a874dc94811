using Checkpointing.Randomness;

namespace Checkpointing.TestChild;

/// <summary>
/// The state of the <c>train</c> mode: units finished, a hash chain over every unit's random draw,
/// and the generator's state. Any unit skipped, repeated or drawn from the wrong point of the random
/// stream changes <see cref="Chain"/>, so equality with <see cref="Uninterrupted"/> proves an exact resume.
/// </summary>
public sealed record TrainLoopState(long Units, ulong Chain, RandomState Rng)
{
    /// <summary>The run the <c>train</c> mode writes.</summary>
    public const string ProcessType = "interrupt";

    /// <summary>The run the <c>train</c> mode writes.</summary>
    public const string RunName = "train";

    /// <summary>The state before the first unit.</summary>
    public static TrainLoopState Initial(ulong seed) => new(0, 0xcbf29ce484222325UL, new CheckpointableRandom(seed).State);

    /// <summary>The state after <paramref name="units"/> units of an uninterrupted run.</summary>
    public static TrainLoopState Uninterrupted(long units, ulong seed)
    {
        var state = Initial(seed);
        for (var i = 0; i < units; i++)
        {
            var (draw, next) = state.Draw();
            state = state.Finish(draw, next);
        }

        return state;
    }

    /// <summary>Starts a unit: its random draw and the generator state after it, leaving this state unchanged.</summary>
    public (ulong Draw, RandomState Next) Draw()
    {
        var rng = new CheckpointableRandom(Rng);
        var draw = rng.NextUInt64();
        return (draw, rng.State);
    }

    /// <summary>The state once the unit that drew <paramref name="draw"/> has finished.</summary>
    public TrainLoopState Finish(ulong draw, RandomState next) =>
        new(Units + 1, unchecked((Chain ^ draw ^ (ulong)(Units + 1)) * 0x100000001b3UL), next);
}
