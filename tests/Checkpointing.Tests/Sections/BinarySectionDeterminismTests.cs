using System.IO.Hashing;
using Checkpointing.Format;

namespace Checkpointing.Tests.Sections;

/// <summary>
/// Chunks are compressed in parallel but written in order: the same data gives the same section bytes
/// whichever way it is saved, and the recorded content checksum is the XXH3 of the raw bytes.
/// </summary>
public sealed class BinarySectionDeterminismTests : IDisposable
{
    private readonly SectionRun _run = new();

    public void Dispose() => _run.Dispose();

    [Theory]
    [InlineData(CheckpointCompression.None)]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public async Task Save_SameDataEveryWay_GivesIdenticalSectionBytesAndChecksums(CheckpointCompression compression)
    {
        using var manager = _run.Open(o => o.Compression = compression);
        var bytes = SectionData.Bytes(SectionData.SeveralChunks + 8, 51);

        // Half the data is repetitive so the compressed chunks differ in size from the raw ones.
        Array.Fill(bytes, (byte)7, 0, SectionData.Chunk + 1000);
        var doubles = new double[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, doubles, 0, bytes.Length);

        var saves = new List<CheckpointMetadata>
        {
            manager.Save(new SectionState(1, "a", []), step: 1, sections: new BinarySections { { "w", doubles } }),
        };
        _run.Tick();
        saves.Add(manager.Save(new SectionState(2, "b", []), step: 2, sections: new BinarySections { { "w", doubles } }));
        _run.Tick();
        saves.Add(await manager.SaveAsync(new SectionState(3, "c", []), step: 3, sections: new BinarySections { { "w", doubles } }));
        _run.Tick();
        var background = await manager.SaveInBackgroundAsync(new SectionState(4, "d", []), step: 4, sections: new BinarySections { { "w", doubles } });
        saves.Add((await background.Completion)!);
        _run.Tick();
        saves.Add(manager.Save(new SectionState(5, "e", []), step: 5, sections: new BinarySections { { "w", new TrickleStream(bytes, 100_000) } }));

        var expectedChecksum = CheckpointFileWriter.Hex(XxHash3.HashToUInt64(bytes));
        var entries = saves.Select(s => SectionRun.ManifestOf(s).Sections.Single(e => e.Name == "w")).ToList();
        Assert.All(entries, e => Assert.Equal(expectedChecksum, e.RawChecksum));
        Assert.All(entries, e => Assert.Equal(bytes.Length, e.RawLength));
        Assert.All(entries, e => Assert.Equal(4, e.ChunkCount));
        Assert.Single(entries.Select(e => e.StoredLength).Distinct());
        Assert.Single(saves.Select(s => s.Sections["w"].StoredBytes).Distinct());
        var region = SectionRun.SectionRegion(saves[0], "w");
        foreach (var save in saves.Skip(1))
        {
            Assert.True(region.AsSpan().SequenceEqual(SectionRun.SectionRegion(save, "w")), $"step {save.Step}: the section's chunks differ from step 1's");
        }

        Assert.All(saves, s => Assert.Equal(bytes, s.Sections["w"].ReadArray<byte>()));
    }

    [Fact]
    public async Task SaveInBackground_ElementSizeNotDividingTheChunk_WritesTheSameChunksAsSave()
    {
        using var manager = _run.Open(o => o.Compression = CheckpointCompression.None);
        var triples = Enumerable.Range(0, (SectionData.SeveralChunks / 12) + 5).Select(i => new Triple(i, -i, i * 0.5f)).ToArray();

        var direct = manager.Save(new SectionState(1, "a", []), step: 1, sections: new BinarySections { { "t", triples } });
        _run.Tick();
        var background = await manager.SaveInBackgroundAsync(new SectionState(2, "b", []), step: 2, sections: new BinarySections { { "t", triples } });
        var written = (await background.Completion)!;

        Assert.Equal("raw12", direct.Sections["t"].ElementType);
        var directChunks = SectionRun.ChunksOf(File.ReadAllBytes(direct.FilePath), "t").Select(c => c.RawLength).ToList();
        Assert.All(directChunks.SkipLast(1), length => Assert.Equal(0, length % 12));
        Assert.Equal(directChunks, SectionRun.ChunksOf(File.ReadAllBytes(written.FilePath), "t").Select(c => c.RawLength));
        Assert.True(SectionRun.SectionRegion(direct, "t").AsSpan().SequenceEqual(SectionRun.SectionRegion(written, "t")));
        Assert.Equal(triples, written.Sections["t"].ReadArray<Triple>());
    }

    [Fact]
    public void Save_ChunksWithDistinctContent_ComeBackInOrder()
    {
        using var manager = _run.Open(o => o.Compression = CheckpointCompression.Zstd);
        var chunks = 9;
        var values = new int[chunks * SectionData.Chunk / 4];
        for (var i = 0; i < values.Length; i++)
        {
            // Each chunk holds one repeated value (its index): a swap of two chunks changes the data.
            values[i] = i / (SectionData.Chunk / 4);
        }

        var saved = manager.Save(new SectionState(1, "order", []), step: 1, sections: new BinarySections { { "ordered", values } });

        var read = saved.Sections["ordered"].ReadArray<int>();
        Assert.Equal(values, read);
        var file = File.ReadAllBytes(saved.FilePath);
        Assert.Equal(chunks, SectionRun.ChunksOf(file, "ordered").Count);
        Assert.True(saved.Sections["ordered"].StoredBytes < values.Length, "constant chunks must compress");
    }
}
