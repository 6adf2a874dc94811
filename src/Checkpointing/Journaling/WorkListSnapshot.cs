namespace Checkpointing.Journaling;

/// <summary>The state of a <see cref="WorkList"/> in a snapshot: the completed keys and the started ones without completion.</summary>
/// <param name="Done">Every completed key, in the order of the key list (keys no longer in the list last).</param>
/// <param name="Started">Keys whose start was recorded and whose completion was not.</param>
internal sealed record WorkListSnapshot(List<string> Done, List<string> Started);
