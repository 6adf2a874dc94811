using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Checkpointing.Storage;

namespace Checkpointing.RecordLog;

/// <summary>
/// The record framing shared by <see cref="AppendOnlyLog"/> and the journal's segments (docs/FORMAT.md, "Journal"):
/// u32 length, u32 reserved (0), u64 sequence, payload, u64 XXH3-64 of everything before it.
/// </summary>
internal static class RecordFraming
{
    public const int HeaderSize = AppendOnlyLog.RecordHeaderSize;
    public const int Overhead = AppendOnlyLog.RecordOverhead;
    public const int MaxPayloadLength = AppendOnlyLog.MaxPayloadLength;

    /// <summary>
    /// How many bytes a search for a verifiable record after damage may hash before it stops and answers that one
    /// may follow (so the tail is kept aside as damage, never cut as a torn write): twice the tail plus one largest
    /// record. Without it, hostile bytes with a plausible header every few bytes make the search quadratic.
    /// </summary>
    public static long SearchBudget(long tailLength) => 2 * tailLength + MaxPayloadLength + Overhead;

    /// <summary>Writes one record into <paramref name="destination"/>, which must be exactly <see cref="Overhead"/> + payload length bytes.</summary>
    public static void Write(Span<byte> destination, long sequence, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (ulong)sequence);
        payload.CopyTo(destination[HeaderSize..]);
        var hashed = HeaderSize + payload.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[hashed..], XxHash3.HashToUInt64(destination[..hashed]));
    }

    /// <summary>
    /// Checks a record header: length at most <see cref="MaxPayloadLength"/>, reserved 0, a sequence from
    /// <paramref name="minSequence"/> to <paramref name="maxSequence"/> (both the expected one when reading in order),
    /// and that the whole record fits in <paramref name="remaining"/> bytes.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, long minSequence, long maxSequence, long remaining, out int payloadLength, out long sequence)
    {
        payloadLength = 0;
        sequence = 0;
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var seq = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (length > MaxPayloadLength
            || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0
            || seq < (ulong)minSequence
            || seq > (ulong)maxSequence
            || Overhead + length > remaining)
        {
            return false;
        }

        payloadLength = (int)length;
        sequence = (long)seq;
        return true;
    }

    /// <summary>
    /// Says why the record at <paramref name="offset"/> is not valid, for a report: cut short, a field out of range, the
    /// wrong sequence number, or a checksum that does not match. Reads the file; never changes it.
    /// </summary>
    public static string DescribeInvalid(IReadableFile file, long offset, long expectedSequence)
    {
        var remaining = file.Length - offset;
        if (remaining < HeaderSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"only {remaining} byte(s) of a {Overhead}-byte record frame remain (the record was cut short)");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        if (file.ReadAt(offset, header) < HeaderSize)
        {
            return "the record header cannot be read in full (the record was cut short)";
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var reserved = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (length > MaxPayloadLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its length field says {length} bytes, more than a record may hold ({MaxPayloadLength})");
        }

        if (reserved != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its reserved field is 0x{reserved:x8}, not 0");
        }

        if (sequence != (ulong)expectedSequence)
        {
            return string.Create(CultureInfo.InvariantCulture, $"its sequence number is {sequence}, not the expected {expectedSequence}");
        }

        if (Overhead + length > remaining)
        {
            return string.Create(CultureInfo.InvariantCulture, $"it needs {Overhead + length} bytes, but only {remaining} remain (the record was cut short)");
        }

        var record = new byte[Overhead + (int)length];
        if (file.ReadAt(offset, record) < record.Length)
        {
            return "the record cannot be read in full (the record was cut short)";
        }

        var hashed = record.Length - sizeof(ulong);
        var stored = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(hashed));
        var computed = XxHash3.HashToUInt64(record.AsSpan(0, hashed));
        return string.Create(CultureInfo.InvariantCulture, $"its checksum does not match its contents (stored {stored:x16}, computed {computed:x16})");
    }

    /// <summary>True when the whole record's trailing checksum matches its header and payload.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> record)
    {
        var hashed = record.Length - sizeof(ulong);
        return BinaryPrimitives.ReadUInt64LittleEndian(record[hashed..]) == XxHash3.HashToUInt64(record[..hashed]);
    }
}
