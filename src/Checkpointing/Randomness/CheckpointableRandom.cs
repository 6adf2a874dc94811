using System.Numerics;

namespace Checkpointing.Randomness;

/// <summary>
/// A random number generator whose whole state can be saved in a checkpoint and restored, so an
/// interrupted-and-resumed run draws exactly the numbers an uninterrupted one would have drawn.
/// <see cref="System.Random"/> cannot do this: its state is hidden.
/// </summary>
/// <remarks>
/// <para>
/// The algorithm is xoshiro256** 1.0 (Blackman and Vigna), seeded from a 64-bit seed through
/// splitmix64 as its authors recommend; the sequence for a given seed is fixed and will not change
/// between versions of this library. It is fast and statistically strong, but not cryptographic.
/// </para>
/// <para>
/// <see cref="State"/> is all there is: no value is cached between calls (so
/// <see cref="NextGaussian"/> spends two draws per value rather than keeping a spare).
/// Instances are not thread-safe; give each thread its own, e.g. with <see cref="Fork"/>.
/// </para>
/// </remarks>
public sealed class CheckpointableRandom
{
    private const double DoubleUnit = 1.0 / (1UL << 53);

    private static readonly ulong[] JumpPolynomial = [0x180ec6d33cfd0abaUL, 0xd5a61266f0c9392cUL, 0xa9582618e03fc9aaUL, 0x39abdc4529b1661cUL];

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose sequence is fixed by <paramref name="seed"/> (any value, including 0).</summary>
    public CheckpointableRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Creates a generator that continues from a saved <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentException">The state is all zeros.</exception>
    public CheckpointableRandom(RandomState state)
    {
        State = state;
    }

    /// <summary>
    /// The generator's complete state. Read it to save; assign a saved value to continue exactly
    /// where that save left off.
    /// </summary>
    /// <exception cref="ArgumentException">Assigned the all-zero state, which xoshiro256** cannot use (a state read from a generator is never all zeros).</exception>
    public RandomState State
    {
        get => new(_s0, _s1, _s2, _s3);
        set
        {
            if (!value.IsValid)
            {
                throw new ArgumentException("A RandomState of four zero words is not a valid xoshiro256** state; use a state read from CheckpointableRandom.State.", nameof(value));
            }

            (_s0, _s1, _s2, _s3) = value;
        }
    }

    /// <summary>Returns the next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextBounded((ulong)maxExclusive);
    }

    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not greater than <paramref name="minInclusive"/>.</exception>
    public int Next(int minInclusive, int maxExclusive)
    {
        ThrowIfEmptyRange(minInclusive, maxExclusive);
        return (int)(minInclusive + (long)NextBounded((ulong)((long)maxExclusive - minInclusive)));
    }

    /// <summary>Returns a uniformly distributed integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>); the range may span all of <see cref="long"/> but one value.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not greater than <paramref name="minInclusive"/>.</exception>
    public long NextInt64(long minInclusive, long maxExclusive)
    {
        ThrowIfEmptyRange(minInclusive, maxExclusive);
        return unchecked(minInclusive + (long)NextBounded((ulong)(maxExclusive - minInclusive)));
    }

    /// <summary>Returns a uniformly distributed double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

    /// <summary>Returns a uniformly distributed double in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite, or <paramref name="maxExclusive"/> is not greater than <paramref name="minInclusive"/>.</exception>
    public double NextDouble(double minInclusive, double maxExclusive)
    {
        if (!double.IsFinite(minInclusive) || !double.IsFinite(maxExclusive) || !(maxExclusive > minInclusive) || !double.IsFinite(maxExclusive - minInclusive))
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"The range [{minInclusive}, {maxExclusive}) must be finite and non-empty.");
        }

        var value = minInclusive + ((maxExclusive - minInclusive) * NextDouble());
        return value < maxExclusive ? value : Math.BitDecrement(maxExclusive);
    }

    /// <summary>
    /// Returns a normally distributed double (Box–Muller; always exactly two draws, nothing cached).
    /// </summary>
    /// <param name="mean">The distribution's mean.</param>
    /// <param name="standardDeviation">The distribution's standard deviation; must be ≥ 0 and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviation"/> is negative or not finite, or <paramref name="mean"/> is not finite.</exception>
    public double NextGaussian(double mean = 0.0, double standardDeviation = 1.0)
    {
        if (!double.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        }

        if (!double.IsFinite(standardDeviation) || standardDeviation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and not negative.");
        }

        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        return mean + (standardDeviation * z);
    }

    /// <summary>Returns true or false with equal probability.</summary>
    public bool NextBoolean() => (NextUInt64() >> 63) != 0;

    /// <summary>Puts <paramref name="items"/> in a uniformly random order, in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = (int)NextBounded((ulong)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>
    /// Splits off an independent generator: the returned one continues from this generator's
    /// current state, and this one jumps 2^128 draws ahead (xoshiro256**'s <c>jump</c>), so the two
    /// streams never overlap in practice. Deterministic: the same state forks the same way.
    /// </summary>
    public CheckpointableRandom Fork()
    {
        var child = new CheckpointableRandom(State);
        Jump();
        return child;
    }

    private void Jump()
    {
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        foreach (var word in JumpPolynomial)
        {
            for (var b = 0; b < 64; b++)
            {
                if ((word & (1UL << b)) != 0)
                {
                    s0 ^= _s0;
                    s1 ^= _s1;
                    s2 ^= _s2;
                    s3 ^= _s3;
                }

                NextUInt64();
            }
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    // Lemire, "Fast random integer generation in an interval" (2019): unbiased, usually without a division.
    private ulong NextBounded(ulong range)
    {
        var high = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0UL - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return high;
    }

    private static void ThrowIfEmptyRange(long minInclusive, long maxExclusive)
    {
        if (maxExclusive <= minInclusive)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"maxExclusive must be greater than minInclusive ({minInclusive}).");
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
