namespace Checkpointing.Cli.Reports;

/// <summary>One section of a checkpoint file: the serialised state, or a binary section.</summary>
/// <param name="Kind"><c>state</c> or <c>binary</c>.</param>
/// <param name="Bytes">Its size before compression.</param>
/// <param name="StoredBytes">Its size in the file.</param>
internal sealed record SectionRow(string Name, string Kind, string ElementType, long Bytes, long StoredBytes);
