using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al., 2011) with Optuna's defaults: after
/// <see cref="StartupTrials"/> random trials, the complete trials are split into the best
/// ⌈10 %⌉ (at most 25) and the rest; each parameter gets a Parzen density per group (truncated
/// Gaussians for floats and ints — in log space for log parameters — and smoothed weights for
/// categoricals, each with a prior component), and the value among <see cref="Candidates"/> draws
/// from the "good" density that most favours good over bad, l(x)/g(x), is chosen. Parameters are
/// sampled independently. Failed trials are ignored.
/// </summary>
public sealed class TpeSampler : ISampler
{
    private const int MaxBelow = 25;
    private const int RecentFullWeight = 25;

    /// <summary>Creates the sampler.</summary>
    /// <param name="startupTrials">Complete trials sampled at random before the model is used. Default 10 (Optuna's n_startup_trials); must be ≥ 0.</param>
    /// <param name="candidates">Draws from the "good" density compared per parameter. Default 24 (Optuna's n_ei_candidates); must be ≥ 1.</param>
    /// <param name="priorWeight">Weight of the prior (uniform-like) component in every density. Default 1.0; must be finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public TpeSampler(int startupTrials = 10, int candidates = 24, double priorWeight = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidates, 1);
        if (!double.IsFinite(priorWeight) || priorWeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(priorWeight), priorWeight, "The prior weight must be finite and greater than 0.");
        }

        StartupTrials = startupTrials;
        Candidates = candidates;
        PriorWeight = priorWeight;
    }

    /// <summary>Complete trials sampled at random before the model is used.</summary>
    public int StartupTrials { get; }

    /// <summary>Candidates drawn and compared per parameter.</summary>
    public int Candidates { get; }

    /// <summary>Weight of the prior component in every density.</summary>
    public double PriorWeight { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterValue> Sample(
        SearchSpace space,
        IReadOnlyList<FinishedTrial> trials,
        StudyDirection direction,
        CheckpointableRandom random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(random);

        var complete = new List<(FinishedTrial Trial, double Key)>();
        foreach (var trial in trials)
        {
            if (trial.State == TrialState.Complete && trial.Value is double value && !double.IsNaN(value))
            {
                complete.Add((trial, direction == StudyDirection.Maximize ? -value : value));
            }
        }

        var result = new Dictionary<string, ParameterValue>(space.Parameters.Count, StringComparer.Ordinal);
        if (complete.Count < StartupTrials)
        {
            foreach (var parameter in space.Parameters)
            {
                result[parameter.Name] = RandomSampler.SampleOne(parameter, random);
            }

            return result;
        }

        complete.Sort(static (a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Trial.Number.CompareTo(b.Trial.Number));
        var belowCount = Math.Min((int)Math.Ceiling(0.1 * complete.Count), MaxBelow);
        var below = complete.Take(belowCount).Select(c => c.Trial).OrderBy(t => t.Number).ToList();
        var above = complete.Skip(belowCount).Select(c => c.Trial).OrderBy(t => t.Number).ToList();

        foreach (var parameter in space.Parameters)
        {
            result[parameter.Name] = parameter.Kind == ParameterKind.Categorical
                ? SampleCategorical(parameter, below, above, random)
                : SampleNumeric(parameter, below, above, random);
        }

        return result;
    }

    /// <summary>Optuna's default weights: 1 for the newest 25 observations, a linear ramp up from 1/n for older ones.</summary>
    internal static double[] ObservationWeights(int count)
    {
        var weights = new double[count];
        if (count < RecentFullWeight)
        {
            Array.Fill(weights, 1.0);
            return weights;
        }

        var ramp = count - RecentFullWeight;
        for (var i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? 1.0 / count : (1.0 / count) + (i * (1.0 - (1.0 / count)) / (ramp - 1));
        }

        Array.Fill(weights, 1.0, ramp, RecentFullWeight);
        return weights;
    }

    private ParameterValue SampleNumeric(ParameterDefinition parameter, List<FinishedTrial> below, List<FinishedTrial> above, CheckpointableRandom random)
    {
        var scale = new NumericScale(parameter);
        var good = ParzenEstimator.Build(Observations(parameter, below, scale.Transform), scale.Low, scale.High, PriorWeight);
        var bad = ParzenEstimator.Build(Observations(parameter, above, scale.Transform), scale.Low, scale.High, PriorWeight);

        var best = default(ParameterValue);
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var x = good.Sample(random);
            var value = scale.ToValue(x);
            double score;
            if (parameter.Kind == ParameterKind.Int)
            {
                var (binLow, binHigh) = scale.Bin(value.AsInt());
                score = good.LogMass(binLow, binHigh) - bad.LogMass(binLow, binHigh);
            }
            else
            {
                score = good.LogDensity(x) - bad.LogDensity(x);
            }

            if (i == 0 || score > bestScore)
            {
                best = value;
                bestScore = double.IsNaN(score) ? double.NegativeInfinity : score;
            }
        }

        return best;
    }

    private ParameterValue SampleCategorical(ParameterDefinition parameter, List<FinishedTrial> below, List<FinishedTrial> above, CheckpointableRandom random)
    {
        var good = CategoricalProbabilities(parameter, below);
        var bad = CategoricalProbabilities(parameter, above);
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < Candidates; i++)
        {
            var u = random.NextDouble();
            var choice = good.Length - 1;
            var cumulative = 0.0;
            for (var c = 0; c < good.Length; c++)
            {
                cumulative += good[c];
                if (u < cumulative)
                {
                    choice = c;
                    break;
                }
            }

            var score = Math.Log(good[choice]) - Math.Log(bad[choice]);
            if (i == 0 || score > bestScore)
            {
                best = choice;
                bestScore = score;
            }
        }

        return ParameterValue.FromCategorical(parameter.Choices[best]);
    }

    /// <summary>The mixture's probability of each choice: one smoothed kernel per observation plus a uniform prior kernel.</summary>
    private double[] CategoricalProbabilities(ParameterDefinition parameter, List<FinishedTrial> trials)
    {
        var choices = parameter.Choices.Count;
        var observed = new List<int>(trials.Count);
        foreach (var trial in trials)
        {
            if (trial.Params.TryGetValue(parameter.Name, out var v) && v.Kind == ParameterKind.Categorical)
            {
                var index = IndexOf(parameter.Choices, v.AsString());
                if (index >= 0)
                {
                    observed.Add(index);
                }
            }
        }

        var kernels = observed.Count + 1;
        var smoothing = PriorWeight / kernels;
        var weights = ObservationWeights(observed.Count);
        var totalWeight = weights.Sum() + PriorWeight;
        var probabilities = new double[choices];
        for (var i = 0; i < observed.Count; i++)
        {
            var w = weights[i] / totalWeight;
            var rowSum = (smoothing * choices) + 1.0;
            for (var c = 0; c < choices; c++)
            {
                probabilities[c] += w * (smoothing + (c == observed[i] ? 1.0 : 0.0)) / rowSum;
            }
        }

        var priorShare = PriorWeight / totalWeight / choices;
        for (var c = 0; c < choices; c++)
        {
            probabilities[c] += priorShare;
        }

        return probabilities;
    }

    private static int IndexOf(IReadOnlyList<string> choices, string value)
    {
        for (var i = 0; i < choices.Count; i++)
        {
            if (string.Equals(choices[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static double[] Observations(ParameterDefinition parameter, List<FinishedTrial> trials, Func<ParameterValue, double> transform)
    {
        var result = new List<double>(trials.Count);
        foreach (var trial in trials)
        {
            if (trial.Params.TryGetValue(parameter.Name, out var v) && v.Kind == parameter.Kind && parameter.Contains(v))
            {
                result.Add(transform(v));
            }
        }

        return [.. result];
    }

    /// <summary>
    /// Where a numeric parameter is modelled: its value itself or its log; ints are widened by half a
    /// step on each side so every integer owns a bin of width one (in log space for log ints).
    /// </summary>
    private readonly struct NumericScale
    {
        private readonly ParameterDefinition _parameter;

        public NumericScale(ParameterDefinition parameter)
        {
            _parameter = parameter;
            var widen = parameter.Kind == ParameterKind.Int ? 0.5 : 0.0;
            Low = Forward(parameter.Low - widen);
            High = Forward(parameter.High + widen);
        }

        public double Low { get; }

        public double High { get; }

        public double Transform(ParameterValue value) => Forward(value.AsDouble());

        public ParameterValue ToValue(double x)
        {
            var v = _parameter.Log ? Math.Exp(x) : x;
            return _parameter.Kind == ParameterKind.Int
                ? ParameterValue.FromInt(RandomSampler.ClampInt(Math.Round(v), _parameter))
                : ParameterValue.FromFloat(Math.Clamp(v, _parameter.Low, _parameter.High));
        }

        public (double Low, double High) Bin(int value) => (Forward(value - 0.5), Forward(value + 0.5));

        private double Forward(double v) => _parameter.Log ? Math.Log(v) : v;
    }
}
