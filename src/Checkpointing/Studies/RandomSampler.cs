using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// Chooses every parameter independently and uniformly: floats and ints uniformly in their range
/// (or in log space when declared with <c>log: true</c>), categoricals with equal probability.
/// A good baseline, and what <see cref="TpeSampler"/> uses for its first trials.
/// </summary>
public sealed class RandomSampler : ISampler
{
    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterValue> Sample(
        SearchSpace space,
        IReadOnlyList<FinishedTrial> trials,
        StudyDirection direction,
        CheckpointableRandom random)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentNullException.ThrowIfNull(random);
        var result = new Dictionary<string, ParameterValue>(space.Parameters.Count, StringComparer.Ordinal);
        foreach (var parameter in space.Parameters)
        {
            result[parameter.Name] = SampleOne(parameter, random);
        }

        return result;
    }

    /// <summary>Draws one value of <paramref name="parameter"/> uniformly (in log space when it is declared so).</summary>
    internal static ParameterValue SampleOne(ParameterDefinition parameter, CheckpointableRandom random)
    {
        switch (parameter.Kind)
        {
            case ParameterKind.Categorical:
                return ParameterValue.FromCategorical(parameter.Choices[random.Next(parameter.Choices.Count)]);
            case ParameterKind.Int when !parameter.Log:
                return ParameterValue.FromInt((int)random.NextInt64((long)parameter.Low, (long)parameter.High + 1));
            case ParameterKind.Int:
                var logInt = random.NextDouble(Math.Log(parameter.Low - 0.5), Math.Log(parameter.High + 0.5));
                return ParameterValue.FromInt(ClampInt(Math.Round(Math.Exp(logInt)), parameter));
            case ParameterKind.Float when parameter.Log:
                var logFloat = random.NextDouble(Math.Log(parameter.Low), Math.Log(parameter.High));
                return ParameterValue.FromFloat(Math.Clamp(Math.Exp(logFloat), parameter.Low, parameter.High));
            default:
                return ParameterValue.FromFloat(random.NextDouble(parameter.Low, parameter.High));
        }
    }

    internal static int ClampInt(double value, ParameterDefinition parameter) =>
        (int)Math.Clamp(value, parameter.Low, parameter.High);
}
