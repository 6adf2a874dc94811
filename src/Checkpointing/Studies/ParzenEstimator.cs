using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// A mixture of Gaussians truncated to [low, high]: one per observation, with a bandwidth from the
/// distances to its neighbours (clipped as in Optuna's "magic clip"), plus a wide prior at the centre.
/// </summary>
internal sealed class ParzenEstimator
{
    private const int MaxRejections = 100;

    private readonly double[] _mus;
    private readonly double[] _sigmas;
    private readonly double[] _weights;
    private readonly double[] _logWeights;
    private readonly double[] _logNormalizers;
    private readonly double _low;
    private readonly double _high;

    private ParzenEstimator(double[] mus, double[] sigmas, double[] weights, double low, double high)
    {
        _mus = mus;
        _sigmas = sigmas;
        _weights = weights;
        _low = low;
        _high = high;
        _logWeights = new double[mus.Length];
        _logNormalizers = new double[mus.Length];
        for (var k = 0; k < mus.Length; k++)
        {
            _logWeights[k] = Math.Log(weights[k]);
            _logNormalizers[k] = Math.Log(NormalMath.Mass((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]));
        }
    }

    public static ParzenEstimator Build(double[] observations, double low, double high, double priorWeight)
    {
        var n = observations.Length;
        var range = high - low;
        var mus = new double[n + 1];
        observations.CopyTo(mus, 0);
        mus[n] = 0.5 * (low + high);

        var order = new int[n + 1];
        for (var i = 0; i <= n; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => mus[a] != mus[b] ? mus[a].CompareTo(mus[b]) : a.CompareTo(b));
        var points = new double[n + 3];
        points[0] = low;
        for (var i = 0; i <= n; i++)
        {
            points[i + 1] = mus[order[i]];
        }

        points[n + 2] = high;
        var sortedSigmas = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            sortedSigmas[i] = Math.Max(points[i + 1] - points[i], points[i + 2] - points[i + 1]);
        }

        if (n >= 1)
        {
            sortedSigmas[0] = points[2] - points[1];
            sortedSigmas[n] = points[n + 1] - points[n];
        }

        var minSigma = range / Math.Min(100.0, n + 2);
        var sigmas = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            sigmas[order[i]] = Math.Clamp(sortedSigmas[i], minSigma, range);
        }

        sigmas[n] = range;

        var weights = new double[n + 1];
        TpeSampler.ObservationWeights(n).CopyTo(weights, 0);
        weights[n] = priorWeight;
        var total = weights.Sum();
        for (var i = 0; i <= n; i++)
        {
            weights[i] /= total;
        }

        return new ParzenEstimator(mus, sigmas, weights, low, high);
    }

    /// <summary>Draws from the mixture: a component by weight, then its truncated Gaussian by rejection.</summary>
    public double Sample(CheckpointableRandom random)
    {
        var u = random.NextDouble();
        var k = _weights.Length - 1;
        var cumulative = 0.0;
        for (var i = 0; i < _weights.Length; i++)
        {
            cumulative += _weights[i];
            if (u < cumulative)
            {
                k = i;
                break;
            }
        }

        // Every component's mean lies inside [low, high] and its sigma is at most the range, so at
        // least a third of its mass is inside: rejection needs fewer than three draws on average.
        for (var attempt = 0; attempt < MaxRejections; attempt++)
        {
            var x = random.NextGaussian(_mus[k], _sigmas[k]);
            if (x >= _low && x <= _high)
            {
                return x;
            }
        }

        return Math.Clamp(_mus[k], _low, _high);
    }

    /// <summary>The log of the mixture's density at <paramref name="x"/>.</summary>
    public double LogDensity(double x)
    {
        Span<double> terms = _mus.Length <= 128 ? stackalloc double[_mus.Length] : new double[_mus.Length];
        for (var k = 0; k < _mus.Length; k++)
        {
            terms[k] = _logWeights[k] + NormalMath.LogPdf((x - _mus[k]) / _sigmas[k]) - Math.Log(_sigmas[k]) - _logNormalizers[k];
        }

        return NormalMath.LogSumExp(terms);
    }

    /// <summary>The log of the mixture's probability of [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public double LogMass(double from, double to)
    {
        Span<double> terms = _mus.Length <= 128 ? stackalloc double[_mus.Length] : new double[_mus.Length];
        for (var k = 0; k < _mus.Length; k++)
        {
            var mass = NormalMath.Mass((from - _mus[k]) / _sigmas[k], (to - _mus[k]) / _sigmas[k]);
            terms[k] = _logWeights[k] + Math.Log(mass) - _logNormalizers[k];
        }

        return NormalMath.LogSumExp(terms);
    }
}
