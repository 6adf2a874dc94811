using Checkpointing.Randomness;

namespace Checkpointing.Tests.Randomness;

/// <summary>
/// The generator reproduces the published algorithms bit for bit. The expected values were produced
/// by the reference C code of xoshiro256** 1.0 and splitmix64 (prng.di.unimi.it) and Lemire's
/// bounded-integer method, compiled with gcc; they are not derived from this implementation.
/// </summary>
public sealed class CheckpointableRandomReferenceTests
{
    private static readonly Dictionary<ulong, (ulong[] State, ulong[] Outputs, ulong[] JumpedAfterOutputs)> Vectors = new()
    {
        [0UL] = (
            [0xe220a8397b1dcdafUL, 0x6e789e6aa1b965f4UL, 0x06c45d188009454fUL, 0xf88bb8a8724c81ecUL],
            [0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL, 0x6aa594f1262d2d2cUL, 0xbba5ad4a1f842e59UL, 0xffef8375d9ebcacaUL],
            [0x8fc13458c88f9704UL, 0x5d5fe308a8e2a9e3UL, 0xc504e321106d5941UL, 0x41203fe3f073432fUL]),
        [42UL] = (
            [0xbdd732262feb6e95UL, 0x28efe333b266f103UL, 0x47526757130f9f52UL, 0x581ce1ff0e4ae394UL],
            [0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL, 0xecb8ad4703b360a1UL, 0xfde6dc7fe2ec5e64UL, 0xc50da53101795238UL],
            [0x191a6ca2cfe8da4aUL, 0xab27588bd9c9e471UL, 0xb7f72175c9cd02daUL, 0x0e67409f887db23eUL]),
        [ulong.MaxValue] = (
            [0xe4d971771b652c20UL, 0xe99ff867dbf682c9UL, 0x382ff84cb27281e9UL, 0x6d1db36ccba982d2UL],
            [0x8f5520d52a7ead08UL, 0xc476a018caa1802dUL, 0x81de31c0d260469eUL, 0xbf658d7e065f3c2fUL, 0x913593fda1bca32aUL, 0xbb535e93941ba525UL],
            [0xe56ea9bf7500fd76UL, 0xe0ba8d0758e6cec2UL, 0xd7d80fd57272f0dcUL, 0x1b457c872420b841UL]),
    };

    [Theory]
    [InlineData(0UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void Constructor_Seed_MatchesSplitMix64Seeding(ulong seed)
    {
        var expected = Vectors[seed].State;

        Assert.Equal(new RandomState(expected[0], expected[1], expected[2], expected[3]), new CheckpointableRandom(seed).State);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void NextUInt64_KnownSeed_MatchesReferenceOutput(ulong seed)
    {
        var expected = Vectors[seed].Outputs;
        var random = new CheckpointableRandom(seed);

        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(_ => random.NextUInt64()).ToArray());
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void Fork_AfterSixDraws_ChildContinuesAndParentJumpsAsReference(ulong seed)
    {
        var (_, outputs, jumped) = Vectors[seed];
        var random = new CheckpointableRandom(seed);
        for (var i = 0; i < outputs.Length; i++)
        {
            random.NextUInt64();
        }

        var beforeFork = random.State;
        var child = random.Fork();

        Assert.Equal(beforeFork, child.State);
        Assert.Equal(new RandomState(jumped[0], jumped[1], jumped[2], jumped[3]), random.State);
    }

    [Fact]
    public void Next_BoundTen_MatchesLemireReference()
    {
        var random = new CheckpointableRandom(42);

        Assert.Equal([0, 3, 6, 9, 9, 7, 7, 8, 7, 5], Enumerable.Range(0, 10).Select(_ => random.Next(10)).ToArray());
    }

    [Fact]
    public void NextInt64_RangeOfTwoToThe63PlusOne_MatchesLemireReferenceIncludingRejections()
    {
        // Range 2^63 + 1 rejects almost half of all draws, so this exercises the rejection loop.
        ulong[] expectedOffsets = [9147776489032658738, 7099593415032875292, 6633989454467100377, 7022439175346172479, 2681029139591840946, 7388145106668446555];
        var random = new CheckpointableRandom(42);

        var actual = Enumerable.Range(0, expectedOffsets.Length).Select(_ => random.NextInt64(long.MinValue, 1)).ToArray();

        Assert.Equal(expectedOffsets.Select(o => unchecked(long.MinValue + (long)o)).ToArray(), actual);
    }

    [Fact]
    public void NextDouble_KnownSeed_MatchesTopFiftyThreeBitsReference()
    {
        var random = new CheckpointableRandom(7);

        Assert.Equal([0.7005764821796896, 0.27875122947378428, 0.83962746187641979, 0.98109772501493508], Enumerable.Range(0, 4).Select(_ => random.NextDouble()).ToArray());
    }
}
