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

                break;
            case Gzip:
                // RFC 1952: a gzip member ends with ISIZE, the input size modulo 2^32.
                if (stored.Length < 18 || BinaryPrimitives.ReadUInt32LittleEndian(stored[^4..]) != (uint)rawLength)
                {
                    throw new InvalidDataException($"the gzip trailer does not declare the chunk's {rawLength} bytes");
                }

                break;
        }
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
