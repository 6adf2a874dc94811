using Checkpointing.Randomness;

namespace TrainingWithCheckpoints;

/// <summary>
/// A small multilayer perceptron for binary classification (inputs → hidden → hidden → sigmoid),
/// trained by mini-batch SGD with momentum and L2 weight decay. Everything random (initial weights,
/// batch order) comes from the generator it is given, so a trial's result depends only on its
/// parameters and seed.
/// </summary>
internal sealed class Mlp
{
    private const int BatchSize = 32;
    private const double Momentum = 0.9;
    private const double Epsilon = 1e-7;

    private readonly int[] _sizes;
    private readonly double[][] _weights;
    private readonly double[][] _biases;
    private readonly bool _tanh;
    private readonly bool _relu;

    public Mlp(int inputs, int hidden, int hiddenLayers, string activation, CheckpointableRandom rng)
    {
        _sizes = [inputs, .. Enumerable.Repeat(hidden, hiddenLayers), 1];
        if (activation is not ("tanh" or "relu" or "sigmoid"))
        {
            throw new ArgumentException($"Unknown activation '{activation}'.", nameof(activation));
        }

        _tanh = activation == "tanh";
        _relu = activation == "relu";
        _weights = new double[_sizes.Length - 1][];
        _biases = new double[_sizes.Length - 1][];
        for (var l = 0; l < _weights.Length; l++)
        {
            var fanIn = _sizes[l];
            var scale = activation == "relu" ? Math.Sqrt(2.0 / fanIn) : Math.Sqrt(1.0 / fanIn);
            _weights[l] = new double[_sizes[l + 1] * fanIn];
            _biases[l] = new double[_sizes[l + 1]];
            for (var i = 0; i < _weights[l].Length; i++)
            {
                _weights[l][i] = rng.NextGaussian(0, scale);
            }
        }
    }

    /// <summary>Trains for <paramref name="epochs"/> passes over the data in shuffled mini-batches.</summary>
    public void Train(double[][] x, int[] y, int epochs, double learningRate, double l2, CheckpointableRandom rng, CancellationToken cancellationToken)
    {
        var activations = NewActivations();
        var deltas = NewActivations();
        var gradW = _weights.Select(w => new double[w.Length]).ToArray();
        var gradB = _biases.Select(b => new double[b.Length]).ToArray();
        var velocityW = _weights.Select(w => new double[w.Length]).ToArray();
        var velocityB = _biases.Select(b => new double[b.Length]).ToArray();
        var order = Enumerable.Range(0, x.Length).ToArray();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rng.Shuffle(order.AsSpan());
            for (var start = 0; start < order.Length; start += BatchSize)
            {
                var end = Math.Min(start + BatchSize, order.Length);
                foreach (var g in gradW)
                {
                    Array.Clear(g);
                }

                foreach (var g in gradB)
                {
                    Array.Clear(g);
                }

                for (var k = start; k < end; k++)
                {
                    var i = order[k];
                    Forward(x[i], activations);
                    Backward(y[i], activations, deltas, gradW, gradB);
                }

                var n = end - start;
                for (var l = 0; l < _weights.Length; l++)
                {
                    Step(_weights[l], gradW[l], velocityW[l], learningRate, l2, n);
                    Step(_biases[l], gradB[l], velocityB[l], learningRate, 0, n);
                }
            }
        }
    }

    /// <summary>Mean binary cross-entropy (log loss) and accuracy on the given points.</summary>
    public (double LogLoss, double Accuracy) Evaluate(double[][] x, int[] y)
    {
        var activations = NewActivations();
        double loss = 0;
        var correct = 0;
        for (var i = 0; i < x.Length; i++)
        {
            Forward(x[i], activations);
            var p = Math.Clamp(activations[^1][0], Epsilon, 1 - Epsilon);
            loss -= y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
            if ((p >= 0.5 ? 1 : 0) == y[i])
            {
                correct++;
            }
        }

        return (loss / x.Length, (double)correct / x.Length);
    }

    private double Activate(double z) => _tanh ? Math.Tanh(z) : _relu ? Math.Max(z, 0) : Sigmoid(z);

    /// <summary>The activation's derivative, from its output <paramref name="a"/>.</summary>
    private double Derivative(double a) => _tanh ? 1 - (a * a) : _relu ? (a > 0 ? 1 : 0) : a * (1 - a);

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static void Step(double[] parameters, double[] gradient, double[] velocity, double learningRate, double l2, int batch)
    {
        for (var j = 0; j < parameters.Length; j++)
        {
            var g = (gradient[j] / batch) + (l2 * parameters[j]);
            velocity[j] = (Momentum * velocity[j]) - (learningRate * g);
            parameters[j] += velocity[j];
        }
    }

    private double[][] NewActivations() => _sizes.Select(s => new double[s]).ToArray();

    private void Forward(double[] input, double[][] activations)
    {
        Array.Copy(input, activations[0], input.Length);
        for (var l = 0; l < _weights.Length; l++)
        {
            var inputs = activations[l];
            var outputs = activations[l + 1];
            var w = _weights[l];
            var last = l == _weights.Length - 1;
            for (var o = 0; o < outputs.Length; o++)
            {
                var z = _biases[l][o];
                var row = o * inputs.Length;
                for (var i = 0; i < inputs.Length; i++)
                {
                    z += w[row + i] * inputs[i];
                }

                outputs[o] = last ? Sigmoid(z) : Activate(z);
            }
        }
    }

    private void Backward(int label, double[][] activations, double[][] deltas, double[][] gradW, double[][] gradB)
    {
        var top = _weights.Length - 1;
        deltas[top + 1][0] = activations[top + 1][0] - label;
        for (var l = top; l >= 0; l--)
        {
            var inputs = activations[l];
            var delta = deltas[l + 1];
            var w = _weights[l];
            for (var o = 0; o < delta.Length; o++)
            {
                var row = o * inputs.Length;
                for (var i = 0; i < inputs.Length; i++)
                {
                    gradW[l][row + i] += delta[o] * inputs[i];
                }

                gradB[l][o] += delta[o];
            }

            if (l == 0)
            {
                break;
            }

            var below = deltas[l];
            for (var i = 0; i < inputs.Length; i++)
            {
                double sum = 0;
                for (var o = 0; o < delta.Length; o++)
                {
                    sum += w[(o * inputs.Length) + i] * delta[o];
                }

                below[i] = sum * Derivative(inputs[i]);
            }
        }
    }
}
