using System.Text.Json;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Reads what the plots need from a checkpoint's state (as JSON; property names matched case-insensitively):
/// a study's trials from a <see cref="StudySnapshot"/> (<c>Direction</c> and <c>Trials</c> with <c>Number</c>,
/// <c>Value</c>, <c>State</c>, <c>FinishedAt</c>), and the reward per episode from a top-level array of numbers
/// named in <see cref="RewardProperties"/>.
/// </summary>
internal static class RunStateReader
{
    /// <summary>The state properties taken for the reward per episode, in this order.</summary>
    public static readonly IReadOnlyList<string> RewardProperties = ["rewards", "episodeRewards", "episode_rewards"];

    public static StudyHistory? ReadStudy(JsonElement state, string checkpointId)
    {
        if (state.ValueKind != JsonValueKind.Object
            || !TryGet(state, nameof(StudySnapshot.Trials), out var trials) || trials.ValueKind != JsonValueKind.Array
            || !TryGet(state, nameof(StudySnapshot.Direction), out var directionElement) || ParseEnum<StudyDirection>(directionElement) is not StudyDirection direction)
        {
            return null;
        }

        var points = new List<TrialPoint>();
        foreach (var trial in trials.EnumerateArray())
        {
            if (trial.ValueKind != JsonValueKind.Object
                || !TryGet(trial, nameof(FinishedTrial.Number), out var numberElement) || !numberElement.TryGetInt32(out var number))
            {
                return null;
            }

            var failed = TryGet(trial, nameof(FinishedTrial.State), out var stateElement) && ParseEnum<TrialState>(stateElement) == TrialState.Failed;
            var value = !failed && TryGet(trial, nameof(FinishedTrial.Value), out var valueElement) ? Number(valueElement) : null;
            DateTimeOffset? finishedAt = TryGet(trial, nameof(FinishedTrial.FinishedAt), out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var time)
                ? time
                : null;
            points.Add(new TrialPoint(number, value, finishedAt));
        }

        return new StudyHistory(direction, points, $"the study snapshot in {checkpointId}");
    }

    public static RewardHistory? ReadRewards(JsonElement state, string checkpointId)
    {
        if (state.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in RewardProperties)
        {
            if (TryGet(state, name, out var array, out var property) && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0)
            {
                var rewards = array.EnumerateArray().Select(Number).ToList();
                if (rewards.All(r => r is not null))
                {
                    return new RewardHistory([.. rewards.Select(r => r!.Value)], property, checkpointId);
                }
            }
        }

        return null;
    }

    /// <summary>A number, or the named literals <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c> that checkpoints allow; otherwise null.</summary>
    private static double? Number(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString() switch
        {
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => null,
        },
        _ => null,
    };

    /// <summary>An enum written as its number (the default) or its name.</summary>
    private static T? ParseEnum<T>(JsonElement element) where T : struct, Enum => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt32(out var number) && Enum.IsDefined(typeof(T), number) => (T)Enum.ToObject(typeof(T), number),
        JsonValueKind.String when Enum.TryParse<T>(element.GetString(), ignoreCase: true, out var named) && Enum.IsDefined(named) => named,
        _ => null,
    };

    private static bool TryGet(JsonElement element, string name, out JsonElement value) => TryGet(element, name, out value, out _);

    private static bool TryGet(JsonElement element, string name, out JsonElement value, out string property)
    {
        foreach (var candidate in element.EnumerateObject())
        {
            if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate.Value;
                property = candidate.Name;
                return true;
            }
        }

        value = default;
        property = string.Empty;
        return false;
    }
}
