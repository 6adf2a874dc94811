using Checkpointing.Format;
using Checkpointing.Testing;
using CsCheck;

namespace Checkpointing.Tests.Format;

/// <summary>The chunked writer and the verified reader agree on arbitrary bytes, sections and chunk sizes.</summary>
public sealed class CheckpointFileRoundTripPropertyTests
{
    private const int Iterations = 300;

    private static readonly Gen<byte[]> Bytes = Gen.OneOf(
        Gen.Byte.Array[0, 2000],
        Gen.Byte[0, 3].Array[0, 4000],
        Gen.Select(Gen.Byte, Gen.Int[0, 5000]).Select((b, n) => Enumerable.Repeat(b, n).ToArray()));

    [Fact]
    public void WriteThenRead_ArbitrarySectionsAndSmallChunks_ReturnsEveryByte()
    {
        Gen.Select(Gen.Enum<CheckpointCompression>(), Gen.Int[1, 300], Bytes.Array[1, 3])
            .Sample(
                (compression, chunkSize, contents) =>
                {
                    var sections = contents.Select((raw, i) => (Name: i == 0 ? FormatConstants.StateSectionName : $"extra{i}", Raw: raw)).ToArray();
                    var file = CheckpointBytes.Write(compression, chunkSize, sections);

                    using var readable = new MemoryReadableFile(file);
                    var manifest = CheckpointFileReader.ReadManifest(readable, CheckpointBytes.TestPath);
                    Assert.Equal(sections.Length, manifest.Sections.Count);
                    for (var i = 0; i < sections.Length; i++)
                    {
                        var entry = manifest.Sections[i];
                        Assert.Equal(sections[i].Name, entry.Name);
                        Assert.Equal(sections[i].Raw.Length, entry.RawLength);
                        Assert.Equal(Math.Max(1, (sections[i].Raw.Length + chunkSize - 1) / chunkSize), entry.ChunkCount);
                        Assert.Equal(sections[i].Raw, CheckpointFileReader.ReadSection(readable, manifest, entry.Name, CheckpointBytes.TestPath).ToArray());
                    }

                    CheckpointFileReader.VerifyAll(readable, manifest, CheckpointBytes.TestPath);
                    var codecs = CheckpointBytes.Chunks(file).Select(c => c.Codec).Distinct();
                    Assert.All(codecs, c => Assert.True(c == ChunkCodec.None || c == ChunkCodec.FromOption(compression)));
                },
                iter: Iterations);
    }

    [Fact]
    public void Write_Always_EmitsHeaderFirstAndTrailerLastInOnePass()
    {
        Gen.Select(Gen.Enum<CheckpointCompression>(), Gen.Int[1, 100], Bytes)
            .Sample(
                (compression, chunkSize, raw) =>
                {
                    using var pending = new MemoryPendingFile();
                    long length;
                    using (var writer = new CheckpointFileWriter(pending, compression, chunkSize))
                    {
                        writer.WriteSection(FormatConstants.StateSectionName, "state", null, raw);
                        length = writer.Finish(CheckpointBytes.NewManifest());
                    }

                    var file = pending.ToArray();
                    Assert.Equal(length, file.Length);
                    Assert.True(file.AsSpan(0, 8).SequenceEqual(FormatConstants.HeaderMagic));
                    Assert.True(file.AsSpan(file.Length - 8).SequenceEqual(FormatConstants.TrailerMagic));
                    Assert.False(pending.Published);
                },
                iter: Iterations / 3);
    }
}
