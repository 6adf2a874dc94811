using Checkpointing.Randomness;

namespace TrainingWithCheckpoints;

/// <summary>
/// The classic "two moons" classification problem (two interleaved half circles with Gaussian
/// noise, as scikit-learn's <c>make_moons</c>), generated from a fixed seed so every run and every
/// machine trains on the same points. Features are standardised with the training set's statistics.
/// </summary>
internal sealed class TwoMoons
{
    private const ulong DataSeed = 20250127;

    private TwoMoons(double[][] trainX, int[] trainY, double[][] validX, int[] validY)
    {
        TrainX = trainX;
        TrainY = trainY;
        ValidationX = validX;
        ValidationY = validY;
    }

    public double[][] TrainX { get; }

    public int[] TrainY { get; }

    public double[][] ValidationX { get; }

    public int[] ValidationY { get; }

    public static TwoMoons Generate(int train = 2000, int validation = 500, double noise = 0.25)
    {
        var rng = new CheckpointableRandom(DataSeed);
        var (x, y) = Sample(rng, train + validation, noise);
        var trainX = x[..train];
        var means = new double[2];
        var stds = new double[2];
        for (var d = 0; d < 2; d++)
        {
            means[d] = trainX.Average(p => p[d]);
            stds[d] = Math.Sqrt(trainX.Average(p => (p[d] - means[d]) * (p[d] - means[d])));
        }

        var scaled = x.Select(p => new[] { (p[0] - means[0]) / stds[0], (p[1] - means[1]) / stds[1] }).ToArray();
        return new TwoMoons(scaled[..train], y[..train], scaled[train..], y[train..]);
    }

    private static (double[][] X, int[] Y) Sample(CheckpointableRandom rng, int count, double noise)
    {
        var x = new double[count][];
        var y = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % 2;
            var t = rng.NextDouble() * Math.PI;
            var (px, py) = label == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            x[i] = [px + rng.NextGaussian(0, noise), py + rng.NextGaussian(0, noise)];
            y[i] = label;
        }

        return (x, y);
    }
}
