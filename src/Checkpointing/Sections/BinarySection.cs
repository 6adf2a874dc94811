using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Checkpointing.Format;

namespace Checkpointing;

/// <summary>
/// One binary section of a saved checkpoint: its name, element type and size, and ways to read it
/// — into a new array, into your own buffer, or as a stream. Every read verifies every chunk's
/// checksum and the content checksum. Reading opens the checkpoint file again, so read sections
/// before retention deletes the checkpoint (that is, before saving several newer ones).
/// </summary>
public sealed class BinarySection
{
    private readonly SectionFileAccess _access;

    internal BinarySection(string name, string elementType, long byteLength, long storedBytes, SectionFileAccess access)
    {
        Name = name;
        ElementType = elementType;
        ByteLength = byteLength;
        StoredBytes = storedBytes;
        _access = access;
    }

    /// <summary>The section's name, as given to <see cref="BinarySections"/>.</summary>
    public string Name { get; }

    /// <summary>The element type, as numpy names it: <c>float32</c>, <c>float64</c>, <c>int32</c>, <c>uint8</c>, …; <c>bytes</c> for a stream, <c>raw&lt;size&gt;</c> for a struct.</summary>
    public string ElementType { get; }

    /// <summary>The size of the data, in bytes (uncompressed).</summary>
    public long ByteLength { get; }

    /// <summary>The size of its chunks in the file (after compression, with chunk headers), in bytes.</summary>
    public long StoredBytes { get; }

    /// <summary>The number of <typeparamref name="T"/> elements the section holds.</summary>
    /// <exception cref="CheckpointSerializationException">The section does not hold <typeparamref name="T"/> elements.</exception>
    public long GetLength<T>()
        where T : unmanaged
    {
        CheckReadableAs<T>();
        return ByteLength / Unsafe.SizeOf<T>();
    }

    /// <summary>Reads the whole section into a new array.</summary>
    /// <exception cref="CheckpointSerializationException">The section does not hold <typeparamref name="T"/> elements.</exception>
    /// <exception cref="CheckpointCorruptException">The data fails verification.</exception>
    /// <exception cref="CheckpointNotFoundException">The checkpoint was deleted since it was loaded.</exception>
    public T[] ReadArray<T>()
        where T : unmanaged
    {
        var length = GetLength<T>();
        if (length > Array.MaxLength)
        {
            throw new CheckpointSerializationException($"Section '{Name}' holds {length} elements, more than one array can; read it with OpenRead() or into several buffers.");
        }

        // The chunk headers are checked against the manifest before the array is allocated.
        return Read((file, section, index, chunks) =>
        {
            var array = GC.AllocateUninitializedArray<T>((int)length);
            Decode<T>(file, section, index, chunks, array);
            return array;
        });
    }

    /// <summary>Reads the whole section into <paramref name="destination"/>, which must hold exactly <see cref="GetLength{T}"/> elements. No other copy is made.</summary>
    /// <exception cref="ArgumentException">The destination's length differs from the section's.</exception>
    /// <exception cref="CheckpointSerializationException">The section does not hold <typeparamref name="T"/> elements.</exception>
    /// <exception cref="CheckpointCorruptException">The data fails verification (the destination then holds partial data).</exception>
    public void ReadInto<T>(Span<T> destination)
        where T : unmanaged
    {
        var length = GetLength<T>();
        if (destination.Length != length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} elements of {typeof(T).Name}; section '{Name}' has {length}. Size it with GetLength<{typeof(T).Name}>().", nameof(destination));
        }

        var (file, section, index) = _access.Open(Name);
        using (file)
        {
            Decode(file, section, index, SectionChunkReader.Locate(file, section, index, _access.Path), destination);
        }
    }

    /// <summary>Asynchronous <see cref="ReadArray{T}"/>, off the calling thread.</summary>
    public Task<T[]> ReadArrayAsync<T>(CancellationToken cancellationToken = default)
        where T : unmanaged => Task.Run(ReadArray<T>, cancellationToken);

    /// <summary>Asynchronous <see cref="ReadInto{T}(Span{T})"/>, off the calling thread.</summary>
    public Task ReadIntoAsync<T>(Memory<T> destination, CancellationToken cancellationToken = default)
        where T : unmanaged => Task.Run(() => ReadInto(destination.Span), cancellationToken);

    /// <summary>Opens the section as a read-only stream of its bytes, decoded and verified one chunk at a time.</summary>
    /// <exception cref="CheckpointNotFoundException">The checkpoint was deleted since it was loaded.</exception>
    public Stream OpenRead()
    {
        var (file, section, index) = _access.Open(Name);
        try
        {
            var chunks = SectionChunkReader.Locate(file, section, index, _access.Path);
            return new SectionReadStream(file, section, index, chunks, _access.Path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({ElementType}, {ByteLength} bytes)";

    private TResult Read<TResult>(Func<Storage.IReadableFile, SectionEntry, int, List<ChunkLocation>, TResult> read)
    {
        var (file, section, index) = _access.Open(Name);
        using (file)
        {
            return read(file, section, index, SectionChunkReader.Locate(file, section, index, _access.Path));
        }
    }

    private unsafe void Decode<T>(Storage.IReadableFile file, SectionEntry section, int index, List<ChunkLocation> chunks, Span<T> destination)
        where T : unmanaged
    {
        fixed (T* p = destination)
        {
            SectionChunkReader.ReadInto(file, section, index, chunks, _access.Path, (byte*)p, (long)destination.Length * Unsafe.SizeOf<T>());
        }
    }

    private void CheckReadableAs<T>()
        where T : unmanaged
    {
        if (!ElementTypes.CanReadAs<T>(ElementType) || ByteLength % Unsafe.SizeOf<T>() != 0)
        {
            throw new CheckpointSerializationException(
                $"Section '{Name}' of checkpoint '{_access.CheckpointId}' holds {ElementType} data ({ByteLength} bytes), which cannot be read as {typeof(T).Name}. " +
                $"Read it as the type it was saved with, or as byte.");
        }
    }
}
