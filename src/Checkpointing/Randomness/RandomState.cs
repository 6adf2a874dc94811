namespace Checkpointing.Randomness;

/// <summary>
/// The complete state of a <see cref="CheckpointableRandom"/>: the four 64-bit words of xoshiro256**.
/// Save it with your checkpoint state (it serialises with System.Text.Json, reflection-based or
/// source-generated) and assign it back to <see cref="CheckpointableRandom.State"/> to continue the
/// identical random sequence.
/// </summary>
/// <param name="S0">The first state word.</param>
/// <param name="S1">The second state word.</param>
/// <param name="S2">The third state word.</param>
/// <param name="S3">The fourth state word.</param>
/// <remarks>The all-zero state is not valid (the generator would only ever return zero); <see cref="IsValid"/> says so.</remarks>
public readonly record struct RandomState(ulong S0, ulong S1, ulong S2, ulong S3)
{
    /// <summary>False for the all-zero state, which xoshiro256** cannot use.</summary>
    public bool IsValid => (S0 | S1 | S2 | S3) != 0;
}
