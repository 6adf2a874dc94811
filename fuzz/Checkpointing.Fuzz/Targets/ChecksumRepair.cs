using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Checkpointing.Format;

namespace Checkpointing.Fuzz;

/// <summary>
/// Makes a mutated .ckpt input pass its checksums again, so that the fuzzer reaches the code behind them (manifest
/// validation, chunk walking, decompression, section reads) instead of stopping at the first hash. Recomputes, in
/// order: every chunk checksum it can walk to, each section's raw checksum (when its chunks decompress), the payload
/// checksum, the manifest checksum, the trailer nonce and checksum, and the header checksum. Never throws.
/// </summary>
internal static class ChecksumRepair
{
    private const int MaxRepairChunk = 1 << 20;

    /// <summary>A repaired copy, or null when the input is too short or not a .ckpt to begin with.</summary>
    public static byte[]? Repair(byte[] input)
    {
        if (input.Length < CheckpointFileReader.MinimumFileSize || !input.AsSpan(0, 8).SequenceEqual(FormatConstants.HeaderMagic))
        {
            return null;
        }

        var b = (byte[])input.Clone();
        var trailer = b.Length - FormatConstants.TrailerSize;
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(24), XxHash3.HashToUInt64(b.AsSpan(0, 24)));

        var manifestOffset = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(trailer));
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(trailer + 8));
        var manifestFits = manifestLength > 0 && manifestOffset >= FormatConstants.HeaderSize && manifestOffset <= trailer
            && manifestOffset + manifestLength == trailer;
        var chunksEnd = manifestFits ? (int)manifestOffset : trailer;

        var sectionHashes = new Dictionary<int, XxHash3>();
        var undecodable = new HashSet<int>();
        var position = FormatConstants.HeaderSize;
        while (position + FormatConstants.ChunkHeaderSize <= chunksEnd
            && BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(position)) == FormatConstants.ChunkMagic)
        {
            var section = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(position + 4));
            var codec = b[position + 6];
            var rawLength = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(position + 8));
            var storedLength = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(position + 12));
            if (storedLength < 0 || storedLength > chunksEnd - position - FormatConstants.ChunkHeaderSize)
            {
                break;
            }

            var stored = b.AsSpan(position + FormatConstants.ChunkHeaderSize, storedLength);
            var hash = new XxHash3();
            hash.Append(b.AsSpan(position, 16));
            hash.Append(stored);
            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(position + 16), hash.GetCurrentHashAsUInt64());
            if (!undecodable.Contains(section))
            {
                if (rawLength is < 0 or > MaxRepairChunk || !TryDecode(codec, stored, rawLength, out var raw))
                {
                    undecodable.Add(section);
                }
                else
                {
                    if (!sectionHashes.TryGetValue(section, out var sectionHash))
                    {
                        sectionHashes[section] = sectionHash = new XxHash3();
                    }

                    sectionHash.Append(raw);
                }
            }

            position += FormatConstants.ChunkHeaderSize + storedLength;
        }

        if (manifestFits)
        {
            var manifest = b.AsSpan((int)manifestOffset, manifestLength);
            PatchHex(manifest, "\"payloadChecksum\":\""u8, 0, XxHash3.HashToUInt64(b.AsSpan(0, (int)manifestOffset)));
            foreach (var (section, sectionHash) in sectionHashes)
            {
                if (!undecodable.Contains(section))
                {
                    PatchHex(manifest, "\"rawChecksum\":\""u8, section, sectionHash.GetCurrentHashAsUInt64());
                }
            }

            BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(trailer + 16), XxHash3.HashToUInt64(manifest));
        }

        b.AsSpan(16, FormatConstants.NonceSize).CopyTo(b.AsSpan(trailer + 24));
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(trailer + 32), XxHash3.HashToUInt64(b.AsSpan(trailer, 32)));
        return b;
    }

    private static bool TryDecode(byte codec, ReadOnlySpan<byte> stored, int rawLength, out byte[] raw)
    {
        raw = new byte[rawLength];
        try
        {
            ChunkCodec.Decompress(codec, stored, raw);
            return true;
        }
#pragma warning disable CA1031 // The reader itself meets the same bytes and must fail properly; the repair only gives up.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>Overwrites the 16 hex digits after the <paramref name="occurrence"/>-th <paramref name="key"/>, when they are there.</summary>
    private static void PatchHex(Span<byte> json, ReadOnlySpan<byte> key, int occurrence, ulong value)
    {
        var from = 0;
        for (var i = 0; ; i++)
        {
            var at = json[from..].IndexOf(key);
            if (at < 0)
            {
                return;
            }

            from += at + key.Length;
            if (i == occurrence)
            {
                break;
            }
        }

        if (from + 17 <= json.Length && json[from + 16] == (byte)'"')
        {
            Encoding.ASCII.GetBytes(value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), json.Slice(from, 16));
        }
    }
}
