using Checkpointing.Format;
using Checkpointing.Tests.Format;

namespace Checkpointing.Tests.Sections;

/// <summary>
/// Damage inside a binary section: caught when loading (the load falls back and quarantines the file),
/// or, when the damage happens after the load, by the read that reaches it. A section whose checkpoint
/// was deleted or replaced is reported as not found.
/// </summary>
public sealed class BinarySectionCorruptionTests : IDisposable
{
    private readonly SectionRun _run = new();
    private readonly double[] _older = SectionData.Doubles(SectionData.SeveralChunks / 8, 41);
    private readonly double[] _newer = SectionData.Doubles(SectionData.SeveralChunks / 8, 42);

    public void Dispose() => _run.Dispose();

    [Theory]
    [InlineData(CheckpointCompression.None, 0)]
    [InlineData(CheckpointCompression.None, 2)]
    [InlineData(CheckpointCompression.Gzip, 1)]
    [InlineData(CheckpointCompression.Zstd, 3)]
    public void LoadLatest_DamagedBinaryChunk_FallsBackToPreviousAndQuarantines(CheckpointCompression compression, int damagedChunk)
    {
        var (older, newer) = SaveTwo(compression);
        var bytes = File.ReadAllBytes(newer.FilePath);
        var chunk = SectionRun.ChunksOf(bytes, "w")[damagedChunk];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize + (chunk.StoredLength / 2)] ^= 0x10;
        File.WriteAllBytes(newer.FilePath, bytes);

        using var manager = _run.Open(o => o.Compression = compression);
        var loaded = manager.LoadLatest<SectionState>();

        Assert.NotNull(loaded);
        Assert.Equal(older.Id, loaded.Metadata.Id);
        Assert.Equal(_older, loaded.Sections["w"].ReadArray<double>());
        var skipped = Assert.Single(loaded.Skipped);
        Assert.Equal(Path.GetFileName(newer.FilePath), skipped.FileName);
        Assert.Contains($"chunk {damagedChunk} of section 'w'", skipped.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(newer.FilePath), "the damaged checkpoint must be moved out of the run");
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(_run.QuarantineDirectory, Path.GetFileName(newer.FilePath))));
        Assert.Equal([older.Id], manager.List().Select(m => m.Id));
    }

    [Fact]
    public void GetRecoveryInfo_DamagedBinaryChunkOverTheBudget_TakesTheCheckpointButALoadStillFallsBack()
    {
        var (older, newer) = SaveTwo(CheckpointCompression.None);
        DamageChunk(newer, chunkNumber: 1);
        var binaryBytes = newer.Sections.Sum(s => s.StoredBytes);

        using var manager = _run.Open();
        var quick = manager.GetRecoveryInfo(binaryChecksumBudget: binaryBytes - 1);
        var loaded = manager.LoadLatest<SectionState>();

        Assert.NotNull(quick);
        Assert.Equal(newer.Id, quick.CheckpointId);
        Assert.Empty(quick.Skipped);
        Assert.NotNull(loaded);
        Assert.Equal(older.Id, loaded.Metadata.Id);
        Assert.Equal(Path.GetFileName(newer.FilePath), Assert.Single(loaded.Skipped).FileName);
    }

    [Fact]
    public void GetRecoveryInfo_DamagedBinaryChunkWithinTheBudget_SkipsTheCheckpoint()
    {
        var (older, newer) = SaveTwo(CheckpointCompression.None);
        DamageChunk(newer, chunkNumber: 1);

        using var manager = _run.Open();
        var quick = manager.GetRecoveryInfo(binaryChecksumBudget: newer.Sections.Sum(s => s.StoredBytes));

        Assert.NotNull(quick);
        Assert.Equal(older.Id, quick.CheckpointId);
        Assert.Contains("chunk 1 of section 'w'", Assert.Single(quick.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadByStep_DamagedBinaryChunk_ThrowsCorrupt()
    {
        var (_, newer) = SaveTwo(CheckpointCompression.None);
        var bytes = File.ReadAllBytes(newer.FilePath);
        var chunk = SectionRun.ChunksOf(bytes, "w")[1];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize + 5] ^= 1;
        File.WriteAllBytes(newer.FilePath, bytes);

        using var manager = _run.Open();

        Assert.Throws<CheckpointCorruptException>(() => manager.Load<SectionState>(2L));
    }

    [Fact]
    public void ReadArray_DamagedAfterLoad_ThrowsCorruptAndEveryOtherReadToo()
    {
        var (_, newer) = SaveTwo(CheckpointCompression.None);
        using var manager = _run.Open();
        var loaded = manager.LoadLatest<SectionState>()!;
        Assert.Equal(newer.Id, loaded.Metadata.Id);
        var bytes = File.ReadAllBytes(newer.FilePath);
        var chunk = SectionRun.ChunksOf(bytes, "w")[2];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize + 100] ^= 0x80;
        OverwriteInPlace(newer.FilePath, bytes);
        var section = loaded.Sections["w"];

        var ex = Assert.Throws<CheckpointCorruptException>(() => section.ReadArray<double>());
        Assert.Contains("chunk 2 of section 'w'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointCorruptException>(() => section.ReadInto<double>(new double[_newer.Length]));
        Assert.Throws<CheckpointCorruptException>(() => section.ReadArrayAsync<byte>().GetAwaiter().GetResult());
        using var stream = section.OpenRead();
        var buffer = new byte[SectionData.Chunk];
        stream.ReadExactly(buffer);
        stream.ReadExactly(buffer);
        Assert.Throws<CheckpointCorruptException>(() => stream.ReadExactly(buffer));

        // The damage is in one section only: the state and the other sections still read.
        Assert.Equal(2, loaded.State.Epoch);
        Assert.Equal([7, 8, 9], loaded.Sections["other"].ReadArray<int>());
    }

    [Fact]
    public void ReadArray_ChunkResealedOverChangedBytes_FailsTheContentChecksum()
    {
        var (_, newer) = SaveTwo(CheckpointCompression.None);
        using var manager = _run.Open();
        var loaded = manager.LoadLatest<SectionState>()!;
        var bytes = File.ReadAllBytes(newer.FilePath);
        var chunk = SectionRun.ChunksOf(bytes, "w")[3];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize] ^= 0xFF;
        CheckpointBytes.ResealChunk(bytes, chunk.Offset);
        OverwriteInPlace(newer.FilePath, bytes);

        var ex = Assert.Throws<CheckpointCorruptException>(() => loaded.Sections["w"].ReadArray<double>());
        Assert.Contains("content checksum", ex.Message, StringComparison.Ordinal);

        using var stream = loaded.Sections["w"].OpenRead();
        var streamed = Assert.Throws<CheckpointCorruptException>(() => stream.CopyTo(Stream.Null));
        Assert.Contains("content checksum", streamed.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointCorruptException>(() => stream.Read(new byte[16]));
    }

    [Fact]
    public void ReadArray_ManifestDeclaresHugeSectionOverSmallChunks_ThrowsCorruptBeforeAllocating()
    {
        var (_, newer) = SaveTwo(CheckpointCompression.None);
        var chunkCount = SectionRun.ChunksOf(File.ReadAllBytes(newer.FilePath), "w").Count;
        var bytes = CheckpointBytes.WithManifest(File.ReadAllBytes(newer.FilePath), m =>
            m.Sections.Single(x => x.Name == "w").RawLength = (long)chunkCount * FormatConstants.MaxChunkRawSize);
        File.WriteAllBytes(newer.FilePath, bytes);
        using var manager = _run.Open(o => o.ReadOnly = true);
        var section = manager.List().Single(m => m.Id == newer.Id).Sections["w"];

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<CheckpointCorruptException>(() => section.ReadArray<byte>());

        Assert.Contains("section 'w'", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64L << 20, "the declared length must be checked against the chunks before the array is allocated");
    }

    [Fact]
    public void ReadArray_CheckpointDeletedByRetention_ThrowsNotFound()
    {
        using var manager = _run.Open(o => o.KeepLastN = 1);
        var first = manager.Save(new SectionState(1, "first", []), step: 1, sections: new BinarySections { { "w", _older } });
        var firstLoaded = manager.LoadLatest<SectionState>()!;
        _run.Tick();
        manager.Save(new SectionState(2, "second", []), step: 2, sections: new BinarySections { { "w", _newer } });

        Assert.False(File.Exists(first.FilePath));
        var ex = Assert.Throws<CheckpointNotFoundException>(() => firstLoaded.Sections["w"].ReadArray<double>());
        Assert.Contains(first.Id, ex.Message, StringComparison.Ordinal);
        Assert.Contains("deleted", ex.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointNotFoundException>(() => first.Sections["w"].OpenRead());
        Assert.Throws<CheckpointNotFoundException>(() => firstLoaded.Sections["w"].ReadInto<double>(new double[_older.Length]));
    }

    [Fact]
    public void ReadArray_CheckpointReplacedUnderTheSameName_ThrowsNotFoundInsteadOfReadingTheNewFile()
    {
        using var manager = _run.Open();
        var first = manager.Save(new SectionState(1, "first", []), step: 1, sections: new BinarySections { { "w", _older } });
        Assert.True(manager.Delete(first.Id));
        var second = manager.Save(new SectionState(1, "again", []), step: 1, sections: new BinarySections { { "w", _newer } });
        Assert.Equal(first.FilePath, second.FilePath);

        Assert.Throws<CheckpointNotFoundException>(() => first.Sections["w"].ReadArray<double>());
        Assert.Equal(_newer, second.Sections["w"].ReadArray<double>());
    }

    /// <summary>Saves step 1 (older data) and step 2 (newer data, plus a small second section) and closes the manager.</summary>
    private (CheckpointMetadata Older, CheckpointMetadata Newer) SaveTwo(CheckpointCompression compression)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var older = manager.Save(new SectionState(1, "older", []), step: 1, sections: new BinarySections { { "w", _older } });
        _run.Tick();
        var newer = manager.Save(new SectionState(2, "newer", []), step: 2, sections: new BinarySections { { "w", _newer }, { "other", new[] { 7, 8, 9 } } });
        return (older, newer);
    }

    private static void DamageChunk(CheckpointMetadata checkpoint, int chunkNumber)
    {
        var bytes = File.ReadAllBytes(checkpoint.FilePath);
        var chunk = SectionRun.ChunksOf(bytes, "w")[chunkNumber];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize + 5] ^= 1;
        File.WriteAllBytes(checkpoint.FilePath, bytes);
    }

    /// <summary>Rewrites the file's bytes in place (same inode, same length), as a disk error would.</summary>
    private static void OverwriteInPlace(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        Assert.Equal(bytes.Length, file.Length);
        file.Write(bytes);
    }
}
