using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using ZstdSharp;

namespace Checkpointing.Format;

/// <summary>Compresses and decompresses single chunks, bounding every output size.</summary>
internal static class ChunkCodec
{
    public const byte None = 0;
    public const byte Gzip = 1;
    public const byte Zstd = 2;

    private const int ZstdLevel = 1;

    /// <summary>Deflate's largest expansion: a 258-byte match in about 2 bits, so just over 1032 to 1.</summary>
    private const int MaxDeflateRatio = 1033;

    [ThreadStatic]
    private static Compressor? t_compressor;

    [ThreadStatic]
    private static Decompressor? t_decompressor;

    public static byte FromOption(CheckpointCompression compression) => compression switch
    {
        CheckpointCompression.None => None,
        CheckpointCompression.Gzip => Gzip,
        CheckpointCompression.Zstd => Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression."),
    };

    public static CheckpointCompression ToOption(byte codec) => codec switch
    {
        None => CheckpointCompression.None,
        Gzip => CheckpointCompression.Gzip,
        Zstd => CheckpointCompression.Zstd,
        _ => throw new ArgumentOutOfRangeException(nameof(codec)),
    };

    public static string Name(byte codec) => codec switch
    {
        None => "none",
        Gzip => "gzip",
        Zstd => "zstd",
        _ => $"unknown({codec})",
    };

    public static bool IsKnown(byte codec) => codec <= Zstd;

    /// <summary>Compresses <paramref name="raw"/>; returns the codec actually used (None when compression saves less than an eighth).</summary>
    public static byte Compress(byte codec, ReadOnlySpan<byte> raw, ArrayBufferWriter<byte> output)
    {
        output.ResetWrittenCount();
        switch (codec)
        {
            case Zstd:
                CompressZstd(raw, output);
                break;

            case Gzip:
                CompressGzip(raw, output);
                break;

            default:
                raw.CopyTo(output.GetSpan(raw.Length)); // not output.Write: that grows the buffer in steps from 256 bytes
                output.Advance(raw.Length);
                return None;
        }

        // Like ZFS, keep a compressed chunk only when it saves at least an eighth: data that barely
        // compresses (float weights) then loads at copy speed instead of decompression speed.
        if (output.WrittenCount > raw.Length - (raw.Length >> 3))
        {
            output.ResetWrittenCount();
            output.Write(raw);
            return None;
        }

        return codec;
    }

    // The codecs live in methods of their own so that storing a chunk raw (every small checkpoint)
    // does not load ZstdSharp and System.IO.Compression: compiling a method resolves every type it names.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CompressZstd(ReadOnlySpan<byte> raw, ArrayBufferWriter<byte> output)
    {
        var compressor = t_compressor ??= new Compressor(ZstdLevel);
        var bound = Compressor.GetCompressBound(raw.Length);
        var written = compressor.Wrap(raw, output.GetSpan(bound));
        output.Advance(written);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CompressGzip(ReadOnlySpan<byte> raw, ArrayBufferWriter<byte> output)
    {
        using var ms = new MemoryStream(raw.Length / 2 + 64);
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }

        output.Write(ms.GetBuffer().AsSpan(0, (int)ms.Length));
    }

    /// <summary>
    /// Checks, from the stored bytes alone, that a chunk really declares <paramref name="rawLength"/>
    /// bytes, so a hostile header cannot make the reader allocate a large buffer for a tiny chunk.
    /// </summary>
    public static void CheckDeclaredLength(byte codec, ReadOnlySpan<byte> stored, int rawLength)
    {
        switch (codec)
        {
            case None when stored.Length != rawLength:
                throw new InvalidDataException($"an uncompressed chunk stores {stored.Length} bytes but declares {rawLength}");
            case Zstd:
                ulong declared;
                try
                {
                    declared = Decompressor.GetDecompressedSize(stored);
                }
                catch (ZstdException ex)
                {
                    throw new InvalidDataException("the zstd frame header is invalid: " + ex.Message, ex);
                }

                if (declared != (ulong)rawLength)
                {
                    throw new InvalidDataException($"the zstd frame declares {declared} bytes but the chunk header declares {rawLength}");
                }

                // The frame's content size is one field; its blocks bound what it can really hold.
                var bound = ZstdOutputBound(stored);
                if (bound < 0)
                {
                    throw new InvalidDataException("the zstd frame is malformed or truncated");
                }

                if (rawLength > bound)
                {
                    throw new InvalidDataException($"the zstd blocks can hold at most {bound} bytes, not the {rawLength} the chunk declares");
                }

                break;
            case Gzip:
                // RFC 1952: a gzip member ends with ISIZE, the input size modulo 2^32; deflate cannot expand
                // more than about 1032 to 1, so a short member cannot hold a large chunk whatever ISIZE says.
                if (stored.Length < 18 || BinaryPrimitives.ReadUInt32LittleEndian(stored[^4..]) != (uint)rawLength)
                {
                    throw new InvalidDataException($"the gzip trailer does not declare the chunk's {rawLength} bytes");
                }

                if (rawLength > (long)stored.Length * MaxDeflateRatio)
                {
                    throw new InvalidDataException($"a {stored.Length}-byte gzip member cannot hold the {rawLength} bytes it declares");
                }

                break;
        }
    }

    /// <summary>
    /// The most bytes the zstd frames in <paramref name="stored"/> can decompress to, summed from their block headers
    /// (RFC 8878: a raw or RLE block holds its declared size, a compressed block at most 128 KiB); -1 when the frames
    /// are malformed or truncated. Walks headers only: no decompression, no allocation.
    /// </summary>
    internal static long ZstdOutputBound(ReadOnlySpan<byte> stored)
    {
        const uint FrameMagic = 0xFD2FB528;
        const int MaxBlockSize = 128 << 10;
        long total = 0;
        var p = 0;
        while (p < stored.Length)
        {
            if (stored.Length - p < 5)
            {
                return -1;
            }

            var magic = BinaryPrimitives.ReadUInt32LittleEndian(stored[p..]);
            if ((magic & 0xFFFFFFF0) == 0x184D2A50)
            {
                // A skippable frame: magic, 4-byte size, that many bytes.
                if (stored.Length - p < 8 || BinaryPrimitives.ReadUInt32LittleEndian(stored[(p + 4)..]) > (uint)(stored.Length - p - 8))
                {
                    return -1;
                }

                p += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(stored[(p + 4)..]);
                continue;
            }

            if (magic != FrameMagic)
            {
                return -1;
            }

            var descriptor = stored[p + 4];
            var singleSegment = (descriptor & 0x20) != 0;
            p += 5 + (singleSegment ? 0 : 1) + (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 }
                + (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
            bool last;
            do
            {
                if (stored.Length - p < 3)
                {
                    return -1;
                }

                var header = stored[p] | (stored[p + 1] << 8) | (stored[p + 2] << 16);
                p += 3;
                last = (header & 1) != 0;
                var size = header >> 3;
                switch ((header >> 1) & 3)
                {
                    case 0 when size <= stored.Length - p:
                        p += size;
                        total += size;
                        break;
                    case 1 when p < stored.Length:
                        p += 1;
                        total += size;
                        break;
                    case 2 when size <= stored.Length - p:
                        p += size;
                        total += MaxBlockSize;
                        break;
                    default:
                        return -1;
                }
            }
            while (!last);

            if ((descriptor & 0x04) != 0)
            {
                if (stored.Length - p < 4)
                {
                    return -1;
                }

                p += 4;
            }
        }

        return total;
    }

    /// <summary>Decompresses into exactly <paramref name="destination"/>; any other size is corruption.</summary>
    public static void Decompress(byte codec, ReadOnlySpan<byte> stored, Span<byte> destination)
    {
        switch (codec)
        {
            case None:
                if (stored.Length != destination.Length)
                {
                    throw new InvalidDataException($"stored length {stored.Length} differs from raw length {destination.Length} in an uncompressed chunk");
                }

                stored.CopyTo(destination);
                return;

            case Zstd:
            {
                var decompressor = t_decompressor ??= new Decompressor();
                int written;
                try
                {
                    written = decompressor.Unwrap(stored, destination);
                }
                catch (ZstdException ex)
                {
                    throw new InvalidDataException("zstd data is invalid: " + ex.Message, ex);
                }

                if (written != destination.Length)
                {
                    throw new InvalidDataException($"zstd chunk decompressed to {written} bytes, expected {destination.Length}");
                }

                return;
            }

            case Gzip:
            {
                unsafe
                {
                    fixed (byte* p = stored)
                    {
                        using var source = new UnmanagedMemoryStream(p, stored.Length);
                        using var gz = new GZipStream(source, CompressionMode.Decompress);
                        var total = 0;
                        while (total < destination.Length)
                        {
                            var n = gz.Read(destination[total..]);
                            if (n == 0)
                            {
                                break;
                            }

                            total += n;
                        }

                        Span<byte> probe = stackalloc byte[1];
                        if (total != destination.Length || gz.Read(probe) != 0)
                        {
                            throw new InvalidDataException($"gzip chunk does not decompress to the declared {destination.Length} bytes");
                        }
                    }
                }

                return;
            }

            default:
                throw new InvalidDataException($"unknown codec {codec}");
        }
    }
}
