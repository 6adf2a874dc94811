using Checkpointing.Randomness;
using Checkpointing.Studies;

namespace TrainingWithCheckpoints;

/// <summary>
/// What the search tunes and how a trial is scored: a small neural network is trained on the
/// two-moons training set with the trial's hyperparameters, and the trial's value is its log loss
/// on the validation set (lower is better). The network's initial weights and batch order come from
/// a generator seeded by the study's seed and the trial's number, so a trial that is run again
/// after a crash gives exactly the same value.
/// </summary>
internal sealed class Objective(TwoMoons data, ulong seed)
{
    public const string Metric = "validation log loss";

    public static SearchSpace CreateSpace() => new SearchSpace()
        .AddFloat("learning_rate", 1e-3, 0.3, log: true)
        .AddInt("hidden_units", 4, 48, log: true)
        .AddFloat("l2", 1e-6, 1e-2, log: true)
        .AddCategorical("activation", "tanh", "relu", "sigmoid")
        .AddInt("epochs", 5, 40);

    public double Evaluate(Trial trial, CancellationToken cancellationToken) =>
        Train(trial.Params, trial.Number, cancellationToken).LogLoss;

    /// <summary>Trains a network with <paramref name="parameters"/> and scores it on the validation set.</summary>
    public (double LogLoss, double Accuracy) Train(IReadOnlyDictionary<string, ParameterValue> parameters, int trialNumber, CancellationToken cancellationToken = default)
    {
        var rng = new CheckpointableRandom(unchecked((seed * 0x9E3779B97F4A7C15UL) + (ulong)trialNumber));
        var model = new Mlp(
            inputs: 2,
            hidden: parameters["hidden_units"].AsInt(),
            hiddenLayers: 2,
            activation: parameters["activation"].AsString(),
            rng);
        model.Train(
            data.TrainX,
            data.TrainY,
            epochs: parameters["epochs"].AsInt(),
            learningRate: parameters["learning_rate"].AsDouble(),
            l2: parameters["l2"].AsDouble(),
            rng,
            cancellationToken);
        return model.Evaluate(data.ValidationX, data.ValidationY);
    }
}
