using System.Collections;

namespace Checkpointing;

/// <summary>The binary sections of a checkpoint, in the order they were written, found by name.</summary>
public sealed class BinarySectionSet : IReadOnlyList<BinarySection>
{
    private readonly BinarySection[] _sections;
    private readonly string _checkpointId;

    internal BinarySectionSet(BinarySection[] sections, string checkpointId)
    {
        _sections = sections;
        _checkpointId = checkpointId;
    }

    /// <summary>No sections.</summary>
    public static BinarySectionSet Empty { get; } = new([], string.Empty);

    /// <inheritdoc/>
    public int Count => _sections.Length;

    /// <inheritdoc/>
    public BinarySection this[int index] => _sections[index];

    /// <summary>The section named <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointNotFoundException">The checkpoint has no section of that name.</exception>
    public BinarySection this[string name] => TryGet(name, out var section)
        ? section
        : throw new CheckpointNotFoundException(_sections.Length == 0
            ? $"Checkpoint '{_checkpointId}' has no binary sections, so none named '{name}'. It was saved without BinarySections."
            : $"Checkpoint '{_checkpointId}' has no binary section '{name}'; it has: {string.Join(", ", _sections.Select(s => s.Name))}.");

    /// <summary>True when a section of that name exists.</summary>
    public bool Contains(string name) => TryGet(name, out _);

    /// <summary>Finds the section named <paramref name="name"/>.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BinarySection? section)
    {
        section = Array.Find(_sections, s => s.Name == name);
        return section is not null;
    }

    /// <inheritdoc/>
    public IEnumerator<BinarySection> GetEnumerator() => ((IEnumerable<BinarySection>)_sections).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
