using System.Buffers.Binary;
using System.IO.Compression;
using Checkpointing.Format;

namespace Checkpointing.Tests.Format;

public sealed class ChunkCodecTests
{
    public static TheoryData<string, int> Contents() => new()
    {
        { "zeros", 1 << 20 },
        { "zeros", FormatConstants.MaxChunkRawSize },
        { "random", 1 << 20 },
        { "text", 300_000 },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public void CheckDeclaredLength_RealCompressedChunk_Accepted(string kind, int length)
    {
        var raw = kind switch
        {
            "zeros" => new byte[length],
            "random" => new Random(7).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), length),
            _ => System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, length / 6).Select(i => $"{i % 97,5},")))[..length],
        };
        foreach (var codec in new[] { ChunkCodec.Zstd, ChunkCodec.Gzip })
        {
            var stored = Compressed(codec, raw);
            ChunkCodec.CheckDeclaredLength(codec, stored, raw.Length);
            var back = new byte[raw.Length];
            ChunkCodec.Decompress(codec, stored, back);
            Assert.True(back.AsSpan().SequenceEqual(raw));
        }
    }

    [Fact]
    public void CheckDeclaredLength_GzipTrailerClaimsMoreThanDeflateCanHold_Rejected()
    {
        var stored = Compressed(ChunkCodec.Gzip, "x"u8.ToArray());
        BinaryPrimitives.WriteUInt32LittleEndian(stored.AsSpan(stored.Length - 4), 64 << 20);
        var ex = Assert.Throws<InvalidDataException>(() => ChunkCodec.CheckDeclaredLength(ChunkCodec.Gzip, stored, 64 << 20));
        Assert.Contains("cannot hold", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckDeclaredLength_ZstdContentSizeLargerThanItsBlocks_Rejected()
    {
        // Single-segment frame, 4-byte content size of 64 MiB, one last raw block of 1 byte.
        byte[] stored = [0x28, 0xB5, 0x2F, 0xFD, 0xA0, 0, 0, 0, 4, 0x09, 0, 0, (byte)'x'];
        var ex = Assert.Throws<InvalidDataException>(() => ChunkCodec.CheckDeclaredLength(ChunkCodec.Zstd, stored, 64 << 20));
        Assert.Contains("at most 1 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZstdOutputBound_TruncatedFrame_IsMinusOne()
    {
        var stored = Compressed(ChunkCodec.Zstd, new byte[1 << 20]);
        Assert.True(ChunkCodec.ZstdOutputBound(stored) >= 1 << 20);
        Assert.Equal(-1, ChunkCodec.ZstdOutputBound(stored.AsSpan(0, stored.Length - 1)));
    }

    private static byte[] Compressed(byte codec, byte[] raw)
    {
        if (codec == ChunkCodec.Gzip)
        {
            // Compress keeps a chunk raw when it saves less than an eighth; these tests want the codec whatever the ratio.
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
            {
                gz.Write(raw);
            }

            return ms.ToArray();
        }

        using var compressor = new ZstdSharp.Compressor(1);
        return compressor.Wrap(raw).ToArray();
    }
}
