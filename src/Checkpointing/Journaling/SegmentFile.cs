using System.Buffers.Binary;
using System.Globalization;
using Checkpointing.RecordLog;
using Checkpointing.Storage;

namespace Checkpointing.Journaling;

/// <summary>
/// One segment of a <see cref="Journal"/>: a file named after the sequence number of its first record, with the
/// header and record framing of <see cref="AppendOnlyLog"/> (docs/FORMAT.md, "Journal segments").
/// </summary>
internal static class SegmentFile
{
    public const int HeaderSize = AppendOnlyLog.FileHeaderSize;
    public const string Prefix = "segment_";
    public const string Extension = ".log";
    public const string NewFileSuffix = AppendOnlyLog.NewFileSuffix;
    public const string DamagedSuffix = AppendOnlyLog.DamagedTailSuffix;
    public const string SupersededSuffix = ".superseded-";
    private const int DigitCount = 20;

    public static string Name(long firstSequence) => Prefix + firstSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>Parses exactly <c>segment_&lt;20 digits&gt;.log</c> with a first sequence of at least 1.</summary>
    public static bool TryParse(string fileName, out long firstSequence)
    {
        firstSequence = 0;
        if (fileName.Length != Prefix.Length + DigitCount + Extension.Length
            || !fileName.StartsWith(Prefix, StringComparison.Ordinal)
            || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = fileName.AsSpan(Prefix.Length, DigitCount);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out firstSequence) && firstSequence >= 1;
    }

    /// <summary>Creates an empty segment durably: header written to a temp file, fsynced, renamed into place, directory fsynced.</summary>
    public static void Create(IFileSystem fs, string directory, long firstSequence)
    {
        var path = Path.Combine(directory, Name(firstSequence));
        var newPath = path + NewFileSuffix;
        if (Guard("check", newPath, () => fs.FileExists(newPath)))
        {
            Guard("delete", newPath, () => fs.Delete(newPath));
        }

        var header = new byte[HeaderSize];
        AppendOnlyLog.FileMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), AppendOnlyLog.Version);
        using (var file = Guard("create", newPath, () => fs.CreateNew(newPath)))
        {
            Guard("write", newPath, () => file.Append(header));
            Guard("fsync", newPath, file.Sync);
        }

        Guard("rename", path, () => fs.RenameNoReplace(newPath, path));
        Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
    }

    /// <summary>Reads a whole segment, verifying every record, and describes what it holds.</summary>
    /// <exception cref="CheckpointVersionException">The segment is of a newer, unknown version.</exception>
    public static SegmentScan Scan(IFileSystem fs, string path, long firstSequence)
    {
        using var file = Guard("open", path, () => fs.OpenRead(path));
        var length = file.Length;
        var header = new byte[HeaderSize];
        var got = Guard("read", path, () => file.ReadAt(0, header));
        if (got < HeaderSize || !header.AsSpan(0, AppendOnlyLog.FileMagic.Length).SequenceEqual(AppendOnlyLog.FileMagic))
        {
            return new SegmentScan(HeaderValid: false, 0, length, firstSequence, TailHasValidRecords: length > 0);
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != AppendOnlyLog.Version)
        {
            throw new CheckpointVersionException(
                $"The journal segment '{path}' is of format version {version}; this library reads version {AppendOnlyLog.Version}. Use a newer version of the library. The journal was left untouched.",
                path,
                (int)Math.Min(version, int.MaxValue));
        }

        using var cursor = new SegmentCursor(file, path, firstSequence);
        while (cursor.MoveNext())
        {
        }

        var tailHasValid = cursor.Offset < length && cursor.HasValidRecordAfter(cursor.Offset, cursor.NextSequence);
        return new SegmentScan(HeaderValid: true, cursor.Offset, length, cursor.NextSequence, tailHasValid);
    }

    internal static T Guard<T>(string operation, string path, Func<T> action) =>
        StorageErrors.Guard(operation + " (journal)", path, action, StorageErrors.RecordsKept);

    internal static void Guard(string operation, string path, Action action) =>
        StorageErrors.Guard(operation + " (journal)", path, action, StorageErrors.RecordsKept);
}
