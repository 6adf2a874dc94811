using System.Text;
using Checkpointing.Format;
using Checkpointing.Tests.Format;
using Xunit.Abstractions;

namespace Checkpointing.Tests.Corruption;

/// <summary>
/// Crafted files whose checksums are all valid but whose declared sizes, offsets or contents are absurd:
/// each must be rejected as corrupt, without allocating what the file claims.
/// </summary>
public sealed class HostileFileTests(ITestOutputHelper output)
{
    /// <summary>Room for the reader's fixed buffers (its state output buffer starts at up to 4 MiB), far below any declared size here.</summary>
    private const long SmallAllocation = 8L << 20;
    private const long BoundedAllocation = 100L << 20;
    private const int CodecFuzzCasesPerCodec = 1500;

    private static readonly byte[] State = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 80).Select(i => $"{{\"episode\":{i},\"reward\":{i * 0.5}}}")));

    private static byte[] SingleChunk(CheckpointCompression compression = CheckpointCompression.Zstd) =>
        CheckpointBytes.Write(compression, FormatConstants.DefaultChunkSize, (FormatConstants.StateSectionName, State));

    [Fact]
    public void ReadManifest_SectionDeclaresHugeRawLength_ThrowsCorruptWithoutAllocating()
    {
        var file = CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].RawLength = 1L << 50);
        AssertCorrupt(file, SmallAllocation, "does not fit");
    }

    [Fact]
    public void ReadManifest_SectionDeclaresHugeChunkCountAndStoredLength_ThrowsCorrupt()
    {
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].ChunkCount = int.MaxValue), SmallAllocation, "does not fit");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].StoredLength = long.MaxValue), SmallAllocation, "does not fit");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].StoredLength = -1), SmallAllocation, "does not fit");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].ChunkCount = 0), SmallAllocation, "does not fit");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].Offset = 0), SmallAllocation, "does not fit");
    }

    [Fact]
    public void ReadSection_ChunkDeclaresLargestRawSizeWithValidChecksums_ThrowsCorruptWithinMemoryBound()
    {
        var file = CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].RawLength = FormatConstants.MaxChunkRawSize);
        var chunk = CheckpointBytes.Chunks(file)[0];
        file = CheckpointBytes.WithChunkSizes(file, chunk.Offset, FormatConstants.MaxChunkRawSize, chunk.StoredLength);

        var allocated = AssertCorrupt(file, BoundedAllocation, "does not decompress");
        output.WriteLine($"a {file.Length}-byte file declaring a {FormatConstants.MaxChunkRawSize}-byte chunk made the reader allocate {allocated} bytes");
    }

    [Fact]
    public void ReadSection_SectionDeclaresMoreThanAnArrayCanHold_ThrowsCorruptBeforeReadingChunks()
    {
        // 48 chunks may legally declare up to 48 × 64 MiB = 3 GiB, which no in-memory state can be.
        var file = CheckpointBytes.Write(CheckpointCompression.None, 1, (FormatConstants.StateSectionName, new byte[48]));
        file = CheckpointBytes.WithManifest(file, m => m.Sections[0].RawLength = 48L * FormatConstants.MaxChunkRawSize);

        AssertCorrupt(file, SmallAllocation, "more than one in-memory section can hold");
    }

    [Theory]
    [InlineData(int.MaxValue, 10)]
    [InlineData(-1, 10)]
    [InlineData(100, int.MaxValue)]
    [InlineData(100, -5)]
    [InlineData(FormatConstants.MaxChunkRawSize + 1, 10)]
    public void ReadSection_ChunkDeclaresImpossibleSizes_ThrowsCorruptWithoutAllocating(int rawLength, int storedLength)
    {
        var file = CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].RawLength = FormatConstants.MaxChunkRawSize);
        file = CheckpointBytes.WithChunkSizes(file, CheckpointBytes.Chunks(file)[0].Offset, rawLength, storedLength);
        AssertCorrupt(file, SmallAllocation, "impossible sizes");
    }

    [Theory]
    [InlineData(1_000_000L, 100)]
    [InlineData(-1L, 100)]
    [InlineData(0L, 100)]
    [InlineData(40L, int.MaxValue)]
    [InlineData(40L, 0)]
    [InlineData(40L, -1)]
    [InlineData(long.MaxValue, 10)]
    [InlineData(long.MinValue, 10)]
    public void ReadManifest_TrailerPointsOutsideTheFile_ThrowsCorruptWithoutAllocating(long manifestOffset, int manifestLength)
    {
        var file = CheckpointBytes.WithTrailerLocation(SingleChunk(), manifestOffset, manifestLength);
        AssertCorrupt(file, SmallAllocation, "does not fit");
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("not json at all")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"sections\":null}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"sections\":[]}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"sections\":[null]}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"step\":1.5}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"step\":\"1\"}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"status\":\"Exploded\"}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"createdUtc\":\"yesterday\"}")]
    [InlineData("{\"checkpointId\":\"x\",\"formatVersion\":\"1.0\",\"metrics\":{\"loss\":\"high\"}}")]
    [InlineData("{\"checkpointId\":\"x\"")]
    [InlineData("{\"checkpointId\":\"x\"} trailing")]
    [InlineData("{\"checkpointId\":\"x\", /* comment */ \"formatVersion\":\"1.0\"}")]
    public void ReadManifest_ManifestIsNotAValidManifest_ThrowsCorrupt(string manifestJson)
    {
        var file = manifestJson.Length == 0
            ? CheckpointBytes.WithTrailerLocation(SingleChunk(), CheckpointBytes.ManifestLocation(SingleChunk()).Offset, 0)
            : CheckpointBytes.WithManifestBytes(SingleChunk(), Encoding.UTF8.GetBytes(manifestJson));
        AssertCorrupt(file, SmallAllocation);
    }

    [Fact]
    public void ReadManifest_ManifestWithInvalidUtf8OrDeepNesting_ThrowsCorrupt()
    {
        AssertCorrupt(CheckpointBytes.WithManifestBytes(SingleChunk(), [.. "{\"checkpointId\":\""u8, 0xFF, 0xFE, 0xC0, .. "\"}"u8]), SmallAllocation);
        AssertCorrupt(CheckpointBytes.WithManifestBytes(SingleChunk(), Encoding.UTF8.GetBytes(new string('[', 100_000) + new string(']', 100_000))), BoundedAllocation);
        AssertCorrupt(CheckpointBytes.WithManifestBytes(SingleChunk(), Encoding.UTF8.GetBytes("{\"tags\":" + new string('{', 5000) + "}")), BoundedAllocation);
    }

    [Fact]
    public void ReadManifest_SectionTableIsInconsistent_ThrowsCorrupt()
    {
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.FormatVersion = "2.0"), SmallAllocation, "format version");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.FormatVersion = string.Empty), SmallAllocation, "format version");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.CheckpointId = string.Empty), SmallAllocation, "checkpoint id");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].Name = "other"), SmallAllocation, "no 'state' section");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections[0].Name = null!), SmallAllocation, "section name");
        AssertCorrupt(CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections.Add(m.Sections[0])), SmallAllocation, "section name");
        AssertCorrupt(
            CheckpointBytes.WithManifest(SingleChunk(), m => m.Sections = [.. Enumerable.Range(0, FormatConstants.MaxSections + 1).Select(i => new SectionEntry { Name = "s" + i })]),
            BoundedAllocation,
            "section table");
    }

    [Fact]
    public void ReadSection_SectionOffsetsOverflow_ThrowsCorrupt()
    {
        var file = CheckpointBytes.WithOverflowingSections(SingleChunk());

        AssertCorrupt(file, SmallAllocation, "does not fit");
    }

    [Theory]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void ReadSection_CompressedChunkExpandsBeyondDeclaredSize_ThrowsCorruptWithoutAllocating(CheckpointCompression compression)
    {
        var zeros = new byte[1 << 20];
        var file = CheckpointBytes.Write(compression, FormatConstants.DefaultChunkSize, (FormatConstants.StateSectionName, zeros));
        file = CheckpointBytes.WithManifest(file, m => m.Sections[0].RawLength = 10);
        var chunk = CheckpointBytes.Chunks(file)[0];
        Assert.Equal(ChunkCodec.FromOption(compression), chunk.Codec);
        file = CheckpointBytes.WithChunkSizes(file, chunk.Offset, 10, chunk.StoredLength);

        AssertCorrupt(file, SmallAllocation, "does not decompress");
    }

    [Fact]
    public void ReadSection_ChunkHeaderFieldsTamperedWithValidChecksum_ThrowsCorrupt()
    {
        var file = SingleChunk(CheckpointCompression.None);
        var chunk = CheckpointBytes.Chunks(file)[0];
        Assert.Equal(ChunkCodec.None, chunk.Codec);

        AssertCorrupt(Tamper(file, chunk.Offset, h => h[6] = 3), SmallAllocation, "unknown codec");
        AssertCorrupt(Tamper(file, chunk.Offset, h => h[6] = 0xFF), SmallAllocation, "unknown codec");
        AssertCorrupt(Tamper(file, chunk.Offset, h => h[7] = 1), SmallAllocation, "chunk header");
        AssertCorrupt(Tamper(file, chunk.Offset, h => h[4] = 1), SmallAllocation, "chunk header");
        AssertCorrupt(Tamper(file, chunk.Offset, h => h[6] = ChunkCodec.Zstd), SmallAllocation, "does not decompress");
        AssertCorrupt(Tamper(file, chunk.Offset, h => h[6] = ChunkCodec.Gzip), SmallAllocation, "does not decompress");
        AssertCorrupt(CheckpointBytes.WithChunkSizes(file, chunk.Offset, chunk.RawLength - 1, chunk.StoredLength), SmallAllocation);
    }

    [Theory]
    [InlineData(CheckpointCompression.Gzip)]
    [InlineData(CheckpointCompression.Zstd)]
    public void ReadSection_CompressedBytesDamagedUnderValidChunkChecksum_ThrowsCorrupt(CheckpointCompression compression)
    {
        var seed = TestSeed.Next();
        output.WriteLine(TestSeed.Describe(seed));
        var rng = new Random(seed);
        var file = CheckpointBytes.Write(compression, 256, (FormatConstants.StateSectionName, State));
        var chunks = CheckpointBytes.Chunks(file).Where(c => c.Codec == ChunkCodec.FromOption(compression)).ToList();
        Assert.NotEmpty(chunks);
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < CodecFuzzCasesPerCodec; i++)
        {
            var chunk = chunks[rng.Next(chunks.Count)];
            var damaged = (byte[])file.Clone();
            var stored = damaged.AsSpan(chunk.Offset + FormatConstants.ChunkHeaderSize, chunk.StoredLength);
            string description;
            switch (rng.Next(3))
            {
                case 0:
                    var bit = rng.Next(stored.Length * 8);
                    stored[bit / 8] ^= (byte)(1 << (bit % 8));
                    description = $"flip bit {bit}";
                    break;
                case 1:
                    var at = rng.Next(stored.Length);
                    var size = rng.Next(1, stored.Length - at + 1);
                    stored.Slice(at, size).Clear();
                    description = $"zero {size} bytes at {at}";
                    break;
                default:
                    var from = rng.Next(stored.Length);
                    rng.NextBytes(stored[from..]);
                    description = $"randomise from {from}";
                    break;
            }

            if (damaged.AsSpan().SequenceEqual(file))
            {
                continue;
            }

            CheckpointBytes.ResealChunk(damaged, chunk.Offset);
            try
            {
                // Either the damage is detected, or it touched bytes the codec ignores (a gzip
                // timestamp, a reserved zstd flag) and the content comes back exactly.
                string kind;
                var ex = Record.Exception(() => Assert.Equal(State, CheckpointBytes.Read(damaged).State));
                if (ex is null)
                {
                    kind = "content intact";
                }
                else
                {
                    var reason = Assert.IsType<CheckpointCorruptException>(ex).Reason!;
                    kind = reason.Contains("does not decompress", StringComparison.Ordinal) ? "does not decompress"
                        : reason.Contains("content checksum", StringComparison.Ordinal) ? "content checksum"
                        : reason;
                }

                reasons[kind] = reasons.GetValueOrDefault(kind) + 1;
            }
            catch (Exception ex)
            {
                throw new CorruptionCaseFailedException($"{compression} chunk at {chunk.Offset}: {description}, {TestSeed.Describe(seed)}", ex);
            }
        }

        output.WriteLine($"{CodecFuzzCasesPerCodec} damaged {compression} chunks under valid chunk checksums: " + string.Join(", ", reasons.Select(r => $"{r.Value} {r.Key}")));
    }

    private static byte[] Tamper(byte[] file, int chunkOffset, Action<byte[]> change)
    {
        var header = file.AsSpan(chunkOffset, FormatConstants.ChunkHeaderSize).ToArray();
        change(header);
        var result = (byte[])file.Clone();
        header.CopyTo(result, chunkOffset);
        CheckpointBytes.ResealChunk(result, chunkOffset);
        return result;
    }

    private static long AssertCorrupt(byte[] file, long maxAllocatedBytes, string? reasonContains = null)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Record.Exception(() => CheckpointBytes.Read(file));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var corrupt = Assert.IsType<CheckpointCorruptException>(ex);
        Assert.Equal(CheckpointBytes.TestPath, corrupt.FilePath);
        if (reasonContains is not null)
        {
            Assert.Contains(reasonContains, corrupt.Reason, StringComparison.Ordinal);
        }

        Assert.True(allocated < maxAllocatedBytes, $"reading the hostile file allocated {allocated} bytes (bound {maxAllocatedBytes}); reason: {corrupt.Reason}");
        return allocated;
    }
}
