using Checkpointing.Randomness;
using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>Runs a sampler against an objective in memory, without a study or a journal.</summary>
internal static class SamplerTestKit
{
    public static List<FinishedTrial> Run(ISampler sampler, SearchSpace space, Func<IReadOnlyDictionary<string, ParameterValue>, double> objective, int trials, ulong seed, StudyDirection direction = StudyDirection.Minimize)
    {
        var random = new CheckpointableRandom(seed);
        var history = new List<FinishedTrial>();
        for (var i = 0; i < trials; i++)
        {
            var parameters = sampler.Sample(space, history, direction, random);
            history.Add(Complete(i, parameters, objective(parameters)));
        }

        return history;
    }

    public static FinishedTrial Complete(int number, IReadOnlyDictionary<string, ParameterValue> parameters, double value) => new()
    {
        Number = number,
        Params = parameters,
        Value = value,
        State = TrialState.Complete,
    };

    public static FinishedTrial Failed(int number, IReadOnlyDictionary<string, ParameterValue> parameters) => new()
    {
        Number = number,
        Params = parameters,
        State = TrialState.Failed,
        Error = "boom",
    };

    public static double Best(IEnumerable<FinishedTrial> trials) => trials.Min(t => t.Value!.Value);

    public static bool AllInSpace(SearchSpace space, IReadOnlyDictionary<string, ParameterValue> parameters) =>
        parameters.Count == space.Parameters.Count && space.Parameters.All(p => parameters.TryGetValue(p.Name, out var v) && p.Contains(v));
}
