using System.Text.Json.Serialization;

namespace Checkpointing.Tests.Sections;

/// <summary>A state that keeps its large arrays in binary sections (<see cref="IBinarySectionsState"/>).</summary>
internal sealed class AgentState : IBinarySectionsState
{
    public long Episode { get; set; }

    [JsonIgnore]
    public double[] QTable { get; set; } = [];

    [JsonIgnore]
    public float[] Policy { get; set; } = [];

    /// <summary>Test hooks: what GetSections returns instead, and what LoadSections throws.</summary>
    [JsonIgnore]
    public Func<BinarySections?>? SectionsOverride { get; set; }

    public static Exception? LoadFailure { get; set; }

    public BinarySections GetSections() => SectionsOverride is { } custom ? custom()! : new() { { "q_table", QTable }, { "policy", Policy } };

    public void LoadSections(BinarySectionSet sections)
    {
        if (LoadFailure is { } failure)
        {
            throw failure;
        }

        QTable = sections["q_table"].ReadArray<double>();
        Policy = sections["policy"].ReadArray<float>();
    }
}
