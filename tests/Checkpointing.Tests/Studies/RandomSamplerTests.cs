using Checkpointing.Randomness;
using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>Uniform sampling: always in range, endpoints of int ranges reachable, log scales log-uniform.</summary>
public sealed class RandomSamplerTests
{
    private const int Draws = 4000;

    [Fact]
    public void Sample_ManyDraws_AllInRangeAndIntEndpointsReached()
    {
        var space = new SearchSpace()
            .AddFloat("f", -1, 1)
            .AddFloat("lf", 1e-6, 1e-2, log: true)
            .AddInt("i", 3, 5)
            .AddInt("li", 1, 4, log: true)
            .AddInt("wide", int.MinValue, int.MaxValue)
            .AddCategorical("c", "a", "b", "c");
        var random = new CheckpointableRandom(11);
        var seen = new HashSet<(string, ParameterValue)>();

        for (var i = 0; i < Draws; i++)
        {
            var sample = new RandomSampler().Sample(space, [], StudyDirection.Minimize, random);
            Assert.True(SamplerTestKit.AllInSpace(space, sample), string.Join(", ", sample));
            seen.Add(("i", sample["i"]));
            seen.Add(("li", sample["li"]));
            seen.Add(("c", sample["c"]));
        }

        foreach (var v in new[] { 3, 5 })
        {
            Assert.Contains(("i", ParameterValue.FromInt(v)), seen);
        }

        foreach (var v in new[] { 1, 4 })
        {
            Assert.Contains(("li", ParameterValue.FromInt(v)), seen);
        }

        Assert.Equal(3, seen.Count(s => s.Item1 == "c"));
    }

    [Fact]
    public void Sample_LogFloat_HalfTheDrawsBelowTheGeometricMean()
    {
        var space = new SearchSpace().AddFloat("lr", 1e-4, 1, log: true);
        var random = new CheckpointableRandom(3);

        var below = Enumerable.Range(0, Draws).Count(_ => new RandomSampler().Sample(space, [], StudyDirection.Minimize, random)["lr"].AsDouble() < 1e-2);

        Assert.InRange(below / (double)Draws, 0.46, 0.54);
    }

    [Fact]
    public void Sample_LinearFloat_HalfTheDrawsBelowTheMidpoint()
    {
        var space = new SearchSpace().AddFloat("x", 1e-4, 1);
        var random = new CheckpointableRandom(4);

        var below = Enumerable.Range(0, Draws).Count(_ => new RandomSampler().Sample(space, [], StudyDirection.Minimize, random)["x"].AsDouble() < 0.5);

        Assert.InRange(below / (double)Draws, 0.46, 0.54);
    }

    [Fact]
    public void Sample_SameState_SameValues()
    {
        var space = new SearchSpace().AddFloat("x", 0, 1).AddCategorical("c", "a", "b");
        var a = new CheckpointableRandom(99);
        var b = new CheckpointableRandom(a.State);

        Assert.Equal(new RandomSampler().Sample(space, [], StudyDirection.Minimize, a), new RandomSampler().Sample(space, [], StudyDirection.Minimize, b));
        Assert.Equal(a.State, b.State);
    }
}
