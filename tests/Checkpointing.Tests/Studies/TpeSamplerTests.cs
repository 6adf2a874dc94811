using Checkpointing.Randomness;
using Checkpointing.Studies;
using Checkpointing.Tests.Corruption;

namespace Checkpointing.Tests.Studies;

/// <summary>
/// TPE: random for its startup trials, then model-based; always in range, deterministic for a
/// state, symmetric between directions, blind to failed trials, and better than random search on
/// smooth problems (statistically, over fixed seeds).
/// </summary>
public sealed class TpeSamplerTests
{
    private static readonly SearchSpace Quadratic2D = new SearchSpace().AddFloat("x", -5, 5).AddFloat("y", -5, 5);

    private static double Bowl(IReadOnlyDictionary<string, ParameterValue> p) =>
        Math.Pow(p["x"].AsDouble() - 1.3, 2) + Math.Pow(p["y"].AsDouble() + 0.7, 2);

    [Fact]
    public void Sample_QuadraticOver60Trials_BeatsRandomSearchForMostSeeds()
    {
        const int seeds = 12;
        var wins = 0;
        var report = new List<string>();
        for (ulong seed = 1; seed <= seeds; seed++)
        {
            var tpe = SamplerTestKit.Best(SamplerTestKit.Run(new TpeSampler(), Quadratic2D, Bowl, 60, seed));
            var random = SamplerTestKit.Best(SamplerTestKit.Run(new RandomSampler(), Quadratic2D, Bowl, 60, seed));
            wins += tpe < random ? 1 : 0;
            report.Add($"seed {seed}: tpe {tpe:G4} random {random:G4}");
        }

        Assert.True(wins >= 10, $"TPE won only {wins}/{seeds}:{Environment.NewLine}{string.Join(Environment.NewLine, report)}");
    }

    [Fact]
    public void Sample_AfterStartup_ConcentratesNearTheOptimum()
    {
        var trials = SamplerTestKit.Run(new TpeSampler(), Quadratic2D, Bowl, 80, seed: 5);

        // Random search lands within distance 1 of the optimum with probability π/100 (about 1 in 30 trials).
        var lateNear = trials.Skip(50).Count(t => t.Value < 1.0);
        var earlyNear = trials.Take(10).Count(t => t.Value < 1.0);

        Assert.True(lateNear >= 10, $"Only {lateNear} of the last 30 trials landed within distance 1 of the optimum (startup: {earlyNear} of 10).");
    }

    [Fact]
    public void Sample_Categorical_MostlyPicksTheBestChoiceAfterStartup()
    {
        var space = new SearchSpace().AddCategorical("opt", "sgd", "adam", "rmsprop", "adagrad").AddFloat("noise", 0, 1);
        double Objective(IReadOnlyDictionary<string, ParameterValue> p) =>
            (p["opt"].AsString() == "rmsprop" ? 0 : 1) + (0.1 * p["noise"].AsDouble());

        var trials = SamplerTestKit.Run(new TpeSampler(), space, Objective, 50, seed: 8);

        var best = trials.Skip(20).Count(t => t.Params["opt"].AsString() == "rmsprop");
        Assert.True(best >= 20, $"TPE chose the best categorical in only {best} of the last 30 trials.");
    }

    [Fact]
    public void Sample_LogInt_AfterStartup_ConcentratesNearTheOptimum()
    {
        var space = new SearchSpace().AddInt("width", 1, 1024, log: true);
        double Objective(IReadOnlyDictionary<string, ParameterValue> p) => Math.Abs(Math.Log2(p["width"].AsInt()) - Math.Log2(48));

        var trials = SamplerTestKit.Run(new TpeSampler(), space, Objective, 60, seed: 2);

        // Log-uniform random search lands in [24, 96] with probability 0.2 (6 of 30).
        var near = trials.Skip(30).Count(t => t.Params["width"].AsInt() is >= 24 and <= 96);
        Assert.True(near >= 12, $"Only {near} of the last 30 widths were within a factor 2 of 48.");
    }

    [Fact]
    public void Sample_FewerCompleteThanStartup_SameAsRandomSampler()
    {
        var space = new SearchSpace().AddFloat("x", 0, 1).AddInt("n", 1, 9).AddCategorical("c", "a", "b");
        var history = SamplerTestKit.Run(new RandomSampler(), space, p => p["x"].AsDouble(), 4, seed: 1);
        history.Add(SamplerTestKit.Failed(4, history[0].Params));
        var a = new CheckpointableRandom(77);
        var b = new CheckpointableRandom(77);

        var tpe = new TpeSampler(startupTrials: 5).Sample(space, history, StudyDirection.Minimize, a);
        var random = new RandomSampler().Sample(space, history, StudyDirection.Minimize, b);

        Assert.Equal(random, tpe);
        Assert.Equal(b.State, a.State);
    }

    [Fact]
    public void Sample_RandomSpacesAndHistories_AlwaysInRangeAndDeterministic()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        for (var iteration = 0; iteration < 150; iteration++)
        {
            var space = RandomSpace(rng);
            var history = new List<FinishedTrial>();
            var filler = new CheckpointableRandom((ulong)rng.Next());
            var count = rng.Next(0, 40);
            for (var i = 0; i < count; i++)
            {
                var p = new RandomSampler().Sample(space, history, StudyDirection.Minimize, filler);
                history.Add(rng.Next(6) switch
                {
                    0 => SamplerTestKit.Failed(i, p),
                    1 => SamplerTestKit.Complete(i, p, rng.Next(2) == 0 ? double.PositiveInfinity : double.NegativeInfinity),
                    2 => SamplerTestKit.Complete(i, p, 1.0),
                    _ => SamplerTestKit.Complete(i, p, rng.NextDouble() * 100),
                });
            }

            var direction = rng.Next(2) == 0 ? StudyDirection.Minimize : StudyDirection.Maximize;
            var sampler = new TpeSampler(startupTrials: rng.Next(0, 6), candidates: rng.Next(1, 30));
            var state = new CheckpointableRandom((ulong)rng.Next()).State;
            var first = new CheckpointableRandom(state);
            var second = new CheckpointableRandom(state);

            var a = sampler.Sample(space, history, direction, first);
            var b = sampler.Sample(space, history, direction, second);

            var context = $"iteration {iteration}, {TestSeed.Describe(seed)}; space {string.Join("; ", space.Parameters)}; got {string.Join(", ", a)}";
            Assert.True(SamplerTestKit.AllInSpace(space, a), context);
            Assert.True(a.SequenceEqual(b), context);
            Assert.Equal(first.State, second.State);
        }
    }

    [Fact]
    public void Sample_MaximizeWithValues_SameAsMinimizeWithNegatedValues()
    {
        var history = SamplerTestKit.Run(new RandomSampler(), Quadratic2D, Bowl, 30, seed: 6);
        var negated = history.Select(t => t with { Value = -t.Value }).ToList();

        var max = new TpeSampler().Sample(Quadratic2D, negated, StudyDirection.Maximize, new CheckpointableRandom(1));
        var min = new TpeSampler().Sample(Quadratic2D, history, StudyDirection.Minimize, new CheckpointableRandom(1));

        Assert.Equal(min, max);
    }

    [Fact]
    public void Sample_FailedTrialsInHistory_AreIgnored()
    {
        var history = SamplerTestKit.Run(new RandomSampler(), Quadratic2D, Bowl, 20, seed: 9);
        var withFailures = history.SelectMany(t => new[] { t, SamplerTestKit.Failed(t.Number, t.Params) }).ToList();

        var clean = new TpeSampler().Sample(Quadratic2D, history, StudyDirection.Minimize, new CheckpointableRandom(3));
        var noisy = new TpeSampler().Sample(Quadratic2D, withFailures, StudyDirection.Minimize, new CheckpointableRandom(3));

        Assert.Equal(clean, noisy);
    }

    [Fact]
    public void Sample_HistoryChanges_ChoiceChanges()
    {
        var history = SamplerTestKit.Run(new RandomSampler(), Quadratic2D, Bowl, 20, seed: 9);
        var reversed = history.Select(t => t with { Value = -t.Value }).ToList();

        var a = new TpeSampler().Sample(Quadratic2D, history, StudyDirection.Minimize, new CheckpointableRandom(3));
        var b = new TpeSampler().Sample(Quadratic2D, reversed, StudyDirection.Minimize, new CheckpointableRandom(3));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ObservationWeights_OptunaDefaults()
    {
        Assert.Equal(Enumerable.Repeat(1.0, 24), TpeSampler.ObservationWeights(24));
        var thirty = TpeSampler.ObservationWeights(30);
        Assert.Equal(1.0 / 30, thirty[0], 12);
        Assert.Equal(1.0, thirty[4], 12);
        Assert.True(thirty[..5].Zip(thirty[1..5]).All(p => p.First < p.Second));
        Assert.Equal(Enumerable.Repeat(1.0, 25), thirty[5..]);
    }

    [Theory]
    [InlineData(-1, 24, 1.0)]
    [InlineData(10, 0, 1.0)]
    [InlineData(10, 24, 0.0)]
    [InlineData(10, 24, double.NaN)]
    public void Constructor_InvalidArguments_Throw(int startup, int candidates, double priorWeight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TpeSampler(startup, candidates, priorWeight));

    private static SearchSpace RandomSpace(Random rng)
    {
        var space = new SearchSpace();
        var count = rng.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            var name = "p" + i;
            switch (rng.Next(5))
            {
                case 0:
                    var low = (rng.NextDouble() * 200) - 100;
                    space.AddFloat(name, low, low + (rng.NextDouble() * 50) + 1e-9);
                    break;
                case 1:
                    var logLow = Math.Pow(10, rng.Next(-8, 2));
                    space.AddFloat(name, logLow, logLow * Math.Pow(10, rng.Next(1, 8)), log: true);
                    break;
                case 2:
                    var intLow = rng.Next(-100, 100);
                    space.AddInt(name, intLow, intLow + rng.Next(1, 5));
                    break;
                case 3:
                    space.AddInt(name, rng.Next(1, 4), rng.Next(4, 5000), log: true);
                    break;
                default:
                    space.AddCategorical(name, Enumerable.Range(0, rng.Next(1, 6)).Select(c => "c" + c).ToArray());
                    break;
            }
        }

        return space;
    }
}
