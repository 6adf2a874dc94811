namespace Checkpointing;

/// <summary>
/// A state that keeps its large arrays in binary sections instead of its serialised form. The manager
/// (and so the training callbacks) saves <see cref="GetSections"/> with the state and, after loading,
/// hands the checkpoint's sections to <see cref="LoadSections"/>. Mark the arrays <c>[JsonIgnore]</c>
/// so they are not serialised twice.
/// </summary>
/// <example>
/// <code>
/// sealed class AgentState : IBinarySectionsState
/// {
///     public long Episode { get; set; }
///     [JsonIgnore] public double[] QTable { get; set; } = new double[StateCount * ActionCount];
///     public BinarySections GetSections() => new() { { "q_table", QTable } };
///     public void LoadSections(BinarySectionSet sections) => QTable = sections["q_table"].ReadArray&lt;double&gt;();
/// }
/// </code>
/// </example>
public interface IBinarySectionsState
{
    /// <summary>The sections to save with this state; called by every save of it.</summary>
    BinarySections GetSections();

    /// <summary>
    /// Reads the sections back into this freshly deserialised state; called by every load of it. Asking
    /// for a section the checkpoint lacks (an older checkpoint, say) throws <see cref="CheckpointNotFoundException"/>
    /// from the load; use <see cref="BinarySectionSet.TryGet"/> for optional ones.
    /// </summary>
    void LoadSections(BinarySectionSet sections);
}
