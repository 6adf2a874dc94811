using System.Runtime.InteropServices;
using Checkpointing.Format;

namespace Checkpointing.Tests.Sections;

/// <summary>Binary sections saved and read back: every element type, sizes around chunk boundaries, every compression, streams, slices, structs.</summary>
public sealed class BinarySectionRoundTripTests : IDisposable
{
    private const int Chunk = SectionData.Chunk;

    private readonly SectionRun _run = new();

    public void Dispose() => _run.Dispose();

    public static TheoryData<CheckpointCompression, int> CompressionsAndByteSizes()
    {
        var data = new TheoryData<CheckpointCompression, int>();
        foreach (var compression in Enum.GetValues<CheckpointCompression>())
        {
            foreach (var size in new[] { 0, 1, Chunk - 1, Chunk, Chunk + 1, SectionData.SeveralChunks })
            {
                data.Add(compression, size);
            }
        }

        return data;
    }

    public static TheoryData<CheckpointCompression, int> CompressionsAndDoubleCounts()
    {
        var data = new TheoryData<CheckpointCompression, int>();
        foreach (var compression in Enum.GetValues<CheckpointCompression>())
        {
            foreach (var count in new[] { 0, 1, (Chunk / 8) - 1, Chunk / 8, (Chunk / 8) + 1, SectionData.SeveralChunks / 8 })
            {
                data.Add(compression, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CompressionsAndByteSizes))]
    public void Save_ByteArrayAroundChunkBoundaries_ReadsBackEveryByteInTheExpectedChunks(CheckpointCompression compression, int size)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var data = SectionData.Bytes(size, seed: size);

        var saved = manager.Save(new SectionState(1, "bytes", []), step: 1, sections: new BinarySections { { "blob", data } });
        var section = manager.LoadLatest<SectionState>()!.Sections["blob"];

        Assert.Equal("uint8", section.ElementType);
        Assert.Equal(size, section.ByteLength);
        Assert.Equal(size, section.GetLength<byte>());
        Assert.Equal(data, section.ReadArray<byte>());
        var chunks = SectionRun.ChunksOf(File.ReadAllBytes(saved.FilePath), "blob");
        Assert.Equal(Math.Max(1, (size + Chunk - 1) / Chunk), chunks.Count);
        Assert.Equal(size, chunks.Sum(c => (long)c.RawLength));
        Assert.All(chunks.SkipLast(1), c => Assert.Equal(Chunk, c.RawLength));
        Assert.Equal(chunks.Sum(c => (long)c.StoredLength + FormatConstants.ChunkHeaderSize), section.StoredBytes);
    }

    [Theory]
    [MemberData(nameof(CompressionsAndDoubleCounts))]
    public void Save_DoubleArrayAroundChunkBoundaries_ReadsBackEqual(CheckpointCompression compression, int count)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var data = SectionData.Doubles(count, seed: count);

        manager.Save(new SectionState(1, "doubles", []), step: 1, sections: new BinarySections { { "w", data } });
        var section = manager.LoadLatest<SectionState>()!.Sections["w"];

        Assert.Equal("float64", section.ElementType);
        Assert.Equal(count * 8L, section.ByteLength);
        Assert.Equal(count, section.GetLength<double>());
        Assert.Equal(data, section.ReadArray<double>());
        var into = new double[count];
        section.ReadInto<double>(into);
        Assert.Equal(data, into);
    }

    [Theory]
    [InlineData(CheckpointCompression.None)]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void Save_EachElementType_RecordsItsNameAndReadsBack(CheckpointCompression compression)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var floats = SectionData.Floats(300_001, 1);
        var doubles = SectionData.Doubles(150_001, 2);
        var ints = SectionData.Ints(300_001, 3);
        var bytes = SectionData.Bytes(1_200_001, 4);
        var halves = SectionData.Halves(600_001, 5);
        var longs = SectionData.Longs(150_001, 6);
        var sections = new BinarySections
        {
            { "f", floats },
            { "d", doubles },
            { "i", ints },
            { "b", bytes },
            { "h", halves },
            { "l", longs },
            { "empty-f", Array.Empty<float>() },
            { "empty-d", Array.Empty<double>() },
        };

        manager.Save(new SectionState(1, "types", []), step: 1, sections: sections);
        var loaded = manager.LoadLatest<SectionState>()!.Sections;

        Assert.Equal(["f", "d", "i", "b", "h", "l", "empty-f", "empty-d"], loaded.Select(s => s.Name));
        Assert.Equal(["float32", "float64", "int32", "uint8", "float16", "int64", "float32", "float64"], loaded.Select(s => s.ElementType));
        Assert.Equal(floats, loaded["f"].ReadArray<float>());
        Assert.Equal(doubles, loaded["d"].ReadArray<double>());
        Assert.Equal(ints, loaded["i"].ReadArray<int>());
        Assert.Equal(bytes, loaded["b"].ReadArray<byte>());
        Assert.Equal(halves, loaded["h"].ReadArray<Half>());
        Assert.Equal(longs, loaded["l"].ReadArray<long>());
        Assert.Empty(loaded["empty-f"].ReadArray<float>());
        Assert.Empty(loaded["empty-d"].ReadArray<double>());
        Assert.Equal(0, loaded["empty-d"].ByteLength);
    }

    [Fact]
    public void Save_StructArray_StoredAsRawBytesOfItsSizeAndReadsBack()
    {
        using var manager = _run.Open();
        var particles = Enumerable.Range(0, 100_000).Select(i => new Particle(i * 0.5f, -i, i / 3f, i)).ToArray();

        manager.Save(new SectionState(1, "structs", []), step: 1, sections: new BinarySections { { "particles", particles } });
        var section = manager.LoadLatest<SectionState>()!.Sections["particles"];

        Assert.Equal("raw16", section.ElementType);
        Assert.Equal(100_000 * 16L, section.ByteLength);
        Assert.Equal(particles, section.ReadArray<Particle>());
        Assert.Equal(SectionData.AsBytes<Particle>(particles), section.ReadArray<byte>());
    }

    [Fact]
    public void Save_SliceOfBiggerArray_StoresOnlyTheSlice()
    {
        using var manager = _run.Open();
        var big = SectionData.Doubles(500_000, 7);
        var slice = new ReadOnlyMemory<double>(big, 123_457, 300_001);

        manager.Save(new SectionState(1, "slice", []), step: 1, sections: new BinarySections { { "slice", slice }, { "ints", new ReadOnlyMemory<int>([1, 2, 3, 4, 5]).Slice(1, 3) } });
        var loaded = manager.LoadLatest<SectionState>()!.Sections;

        Assert.Equal(300_001 * 8L, loaded["slice"].ByteLength);
        Assert.Equal(slice.ToArray(), loaded["slice"].ReadArray<double>());
        Assert.Equal([2, 3, 4], loaded["ints"].ReadArray<int>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(Chunk)]
    [InlineData(SectionData.SeveralChunks)]
    public void Save_SeekableStreamFromItsPosition_StoresTheRestAsBytesAndLeavesItOpen(int restLength)
    {
        using var manager = _run.Open();
        var content = SectionData.Bytes(restLength + 1000, restLength);
        using var stream = new MemoryStream(content);
        stream.Position = 1000;

        manager.Save(new SectionState(1, "stream", []), step: 1, sections: new BinarySections { { "replay", stream } });
        var section = manager.LoadLatest<SectionState>()!.Sections["replay"];

        Assert.Equal("bytes", section.ElementType);
        Assert.Equal(restLength, section.ByteLength);
        Assert.Equal(content[1000..], section.ReadArray<byte>());
        Assert.True(stream.CanRead, "the stream must not be disposed by the save");
        Assert.Equal(content.Length, stream.Position);
    }

    [Theory]
    [InlineData(CheckpointCompression.None, 0)]
    [InlineData(CheckpointCompression.Zstd, Chunk)]
    [InlineData(CheckpointCompression.Gzip, SectionData.SeveralChunks)]
    [InlineData(CheckpointCompression.Zstd, SectionData.SeveralChunks + 5)]
    public async Task SaveAsync_NonSeekableStreamWithShortReads_StoresEveryByte(CheckpointCompression compression, int length)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var content = SectionData.Bytes(length, length + 1);
        using var stream = new TrickleStream(content, maxRead: 7_777);

        await manager.SaveAsync(new SectionState(1, "trickle", []), step: 1, sections: new BinarySections { { "s", stream } });
        var section = manager.LoadLatest<SectionState>()!.Sections["s"];

        Assert.Equal(length, section.ByteLength);
        Assert.Equal(content, section.ReadArray<byte>());
    }

    [Fact]
    public void Save_StateAndSeveralSections_AllComeBackTogether()
    {
        using var manager = _run.Open();
        var state = new SectionState(42, "together ✓", [0.5, 0.25]);
        var policy = SectionData.Floats(700_000, 11);
        var moments = SectionData.Doubles(200_000, 12);
        var replay = SectionData.Bytes(123_456, 13);

        var saved = manager.Save(state, step: 42, totalSteps: 100, sections: new BinarySections
        {
            { "policy", policy },
            { "adam_m", moments },
            { "replay", new MemoryStream(replay) },
        });
        var loaded = manager.LoadLatest<SectionState>()!;

        Assert.Equal(state.Epoch, loaded.State.Epoch);
        Assert.Equal(state.Note, loaded.State.Note);
        Assert.Equal(state.Losses, loaded.State.Losses);
        Assert.Equal(42, loaded.Metadata.Step);
        Assert.Same(loaded.Metadata.Sections, loaded.Sections);
        Assert.Equal(["policy", "adam_m", "replay"], loaded.Sections.Select(s => s.Name));
        Assert.Equal(policy, loaded.Sections["policy"].ReadArray<float>());
        Assert.Equal(moments, loaded.Sections["adam_m"].ReadArray<double>());
        Assert.Equal(replay, loaded.Sections["replay"].ReadArray<byte>());

        // The metadata Save returns and List() reports describe (and read) the same sections.
        Assert.Equal(moments, saved.Sections["adam_m"].ReadArray<double>());
        var listed = Assert.Single(manager.List());
        Assert.Equal(["policy", "adam_m", "replay"], listed.Sections.Select(s => s.Name));
        Assert.Equal(loaded.Sections.Select(s => s.StoredBytes), listed.Sections.Select(s => s.StoredBytes));
        Assert.Equal(replay, listed.Sections["replay"].ReadArray<byte>());
    }

    [Fact]
    public void Save_WithSections_WritesFormat12AndElementTypesInTheManifest()
    {
        using var manager = _run.Open();

        var with = manager.Save(new SectionState(1, "with", []), step: 1, sections: new BinarySections { { "w", new[] { 1.0 } }, { "s", new MemoryStream([1]) } });
        _run.Tick();
        var without = manager.Save(new SectionState(2, "without", []), step: 2);
        _run.Tick();
        var emptyCollection = manager.Save(new SectionState(3, "empty collection", []), step: 3, sections: []);

        Assert.Equal("1.2", with.FormatVersion);
        var manifest = SectionRun.ManifestOf(with);
        Assert.Equal("1.2", manifest.FormatVersion);
        Assert.Equal([FormatConstants.StateSectionName, "w", "s"], manifest.Sections.Select(s => s.Name));
        Assert.Equal([null, "float64", "bytes"], manifest.Sections.Select(s => s.ElementType));
        Assert.Equal(["state", "binary", "binary"], manifest.Sections.Select(s => s.Kind));

        Assert.Equal("1.0", without.FormatVersion);
        Assert.Equal("1.0", emptyCollection.FormatVersion);
        Assert.Empty(without.Sections);
        Assert.True(SectionData.IndexOf(File.ReadAllBytes(without.FilePath), "elementType"u8.ToArray()) < 0, "a file without sections must not mention elementType");
        Assert.True(SectionData.IndexOf(File.ReadAllBytes(with.FilePath), "\"elementType\":\"float64\""u8.ToArray()) > 0, "the manifest must record elementType float64");
    }

    [Fact]
    public void Save_NoCompression_StoresLittleEndianElementBytesVerbatimInOrder()
    {
        using var manager = _run.Open(o => o.Compression = CheckpointCompression.None);
        var small = SectionData.Doubles(1000, 21);
        var large = SectionData.Doubles(SectionData.SeveralChunks / 8, 22);
        var ints = SectionData.Ints(5000, 23);

        var saved = manager.Save(new SectionState(1, "raw", []), step: 1, sections: new BinarySections { { "small", small }, { "large", large }, { "ints", ints } });
        var file = File.ReadAllBytes(saved.FilePath);

        Assert.True(SectionData.IndexOf(file, SectionData.LittleEndian(small)) > 0, "the small section's float64 bytes must appear verbatim in the file");
        Assert.True(SectionData.IndexOf(file, SectionData.LittleEndian(ints)) > 0, "the int32 section's bytes must appear verbatim in the file");

        var chunks = SectionRun.ChunksOf(file, "large");
        Assert.Equal(4, chunks.Count);
        Assert.All(chunks, c => Assert.Equal(ChunkCodec.None, c.Codec));
        var stored = chunks.SelectMany(c => file.AsSpan(c.Offset + FormatConstants.ChunkHeaderSize, c.StoredLength).ToArray()).ToArray();
        Assert.Equal(SectionData.LittleEndian(large), stored);
    }

    [Theory]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void Save_CompressibleSection_StoresFewerBytesThanItHolds(CheckpointCompression compression)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var repetitive = Enumerable.Range(0, SectionData.SeveralChunks / 4).Select(i => i % 16).ToArray();

        var saved = manager.Save(new SectionState(1, "compressible", []), step: 1, sections: new BinarySections { { "r", repetitive } });

        var section = saved.Sections["r"];
        Assert.True(section.StoredBytes * 4 < section.ByteLength, $"{section.StoredBytes} stored for {section.ByteLength}");
        Assert.Equal(compression, saved.Compression);
        Assert.Equal(repetitive, manager.LoadLatest<SectionState>()!.Sections["r"].ReadArray<int>());
    }
}
