using System.Collections;
using System.Runtime.CompilerServices;
using Checkpointing.Format;

namespace Checkpointing;

/// <summary>
/// Named blocks of numeric data to save beside the state, in the same checkpoint (one atomic unit):
/// model weights, optimizer moments, a replay buffer. Each is stored as raw little-endian bytes,
/// readable without the state's serializer, and is written chunk by chunk straight from your memory
/// (compressed in parallel) without a second copy.
/// </summary>
/// <example>
/// <code>
/// manager.Save(state, step, sections: new BinarySections
/// {
///     { "policy", policyWeights },   // float[]
///     { "adam_m", firstMoments },    // double[]
///     { "replay", replayStream },    // Stream, read to its end at save time
/// });
/// var weights = manager.LoadLatest&lt;TrainState&gt;()!.Sections["policy"].ReadArray&lt;float&gt;();
/// </code>
/// </example>
/// <remarks>
/// The data is read when the save runs, not when it is added: do not change it until <c>Save</c> or
/// <c>SaveAsync</c> has returned (<c>SaveInBackgroundAsync</c> copies it before returning instead).
/// A stream is read once, from its current position; it is not disposed.
/// </remarks>
public sealed class BinarySections : IEnumerable<string>
{
    /// <summary>The longest section name.</summary>
    public const int MaxNameLength = 128;

    /// <summary>The most sections one checkpoint holds: the format's section limit, less one for the state.</summary>
    private const int MaxSectionCount = FormatConstants.MaxSections - 1;

    private readonly List<(string Name, Func<SectionContent> Open)> _sections = [];

    /// <summary>How many sections were added.</summary>
    public int Count => _sections.Count;

    /// <summary>Adds an array of an unmanaged type (<c>float</c>, <c>double</c>, <c>int</c>, <c>byte</c>, …, or a struct of them).</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, reserved, already used, or has control characters; or 4095 sections were already added.</exception>
    public void Add<T>(string name, T[] data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        Add(name, (ReadOnlyMemory<T>)data);
    }

    /// <summary>Adds memory of an unmanaged type; see <see cref="Add{T}(string, T[])"/>.</summary>
    /// <exception cref="ArgumentException">The name is not valid (see <see cref="Add{T}(string, T[])"/>) or the element type is over 1 MiB.</exception>
    public void Add<T>(string name, ReadOnlyMemory<T> data)
        where T : unmanaged
    {
        ValidateName(name);
        if (Unsafe.SizeOf<T>() > FormatConstants.DefaultChunkSize)
        {
            throw new ArgumentException($"Section '{name}': elements of {typeof(T).Name} are {Unsafe.SizeOf<T>()} bytes; binary sections take elements of at most 1 MiB.", nameof(data));
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Binary sections are stored little-endian and this machine is big-endian.");
        }

        _sections.Add((name, () => new MemorySectionContent<T>(name, data)));
    }

    /// <summary>Adds the rest of a stream as plain bytes (element type <c>bytes</c>); it is read at save time and not disposed.</summary>
    /// <exception cref="ArgumentException">The name is not valid, or the stream cannot be read.</exception>
    public void Add(string name, Stream content)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException($"Section '{name}': the stream cannot be read.", nameof(content));
        }

        _sections.Add((name, () => new StreamSectionContent(name, content)));
    }

    /// <summary>The section names, in the order they were added (and will be written).</summary>
    public IEnumerator<string> GetEnumerator() => _sections.Select(s => s.Name).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Fresh readers over the sections, for one save.</summary>
    internal List<SectionContent> OpenContents() => [.. _sections.Select(s => s.Open())];

    private void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_sections.Count >= MaxSectionCount)
        {
            throw new ArgumentException($"Cannot add section '{name}': a checkpoint holds at most {MaxSectionCount} binary sections (the format's limit of {FormatConstants.MaxSections} includes the state). Combine small arrays into one section.", nameof(name));
        }

        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"Section name '{name[..20]}…' is {name.Length} characters; the limit is {MaxNameLength}.", nameof(name));
        }

        if (name == FormatConstants.StateSectionName)
        {
            throw new ArgumentException($"'{FormatConstants.StateSectionName}' is reserved for the serialised state; choose another section name.", nameof(name));
        }

        if (name.Any(char.IsControl))
        {
            throw new ArgumentException($"Section name '{name}' contains control characters; use printable text.", nameof(name));
        }

        if (_sections.Exists(s => s.Name == name))
        {
            throw new ArgumentException($"A section named '{name}' was already added; section names must be unique.", nameof(name));
        }
    }
}
