using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using Checkpointing.Interop;
using Checkpointing.Storage;

namespace Checkpointing.RecordLog;

/// <summary>
/// One append-only file of checksummed, sequence-numbered records (docs/FORMAT.md, "Journal").
/// <see cref="Append"/> writes a record to the file (it survives a killed process, not a power cut);
/// <see cref="Commit"/> fsyncs, after which every record appended so far survives anything.
/// <see cref="Open"/> reads the records back and cuts a torn or garbage tail, which only ever holds
/// records that were never committed. Not thread-safe.
/// </summary>
internal sealed class AppendOnlyLog : IDisposable
{
    public const int FileHeaderSize = 16;
    public const int RecordHeaderSize = 16;
    public const int RecordTrailerSize = 8;
    public const int RecordOverhead = RecordHeaderSize + RecordTrailerSize;
    public const int MaxPayloadLength = 16 << 20;
    public const uint Version = 1;

    /// <summary>The largest unreadable tail <see cref="Open"/> cuts by itself; more than this is reported as corruption.</summary>
    public const long MaxScannedTail = 2L * (MaxPayloadLength + RecordOverhead);

    /// <summary>The suffix of the file a new log is prepared in before it is renamed into place.</summary>
    public const string NewFileSuffix = ".tmp-new";

    /// <summary>The suffix (before a UTC timestamp) of the copy of a cut tail that still held valid-looking records.</summary>
    public const string DamagedTailSuffix = ".damaged-";

    private readonly IFileSystem _fs;
    private IWritableFile? _file;
    private long _nextSequence;
    private bool _dirty;
    private Exception? _failure;

    private AppendOnlyLog(string path, IFileSystem fs, IWritableFile file, IReadOnlyList<LogRecord> records, long nextSequence, bool created, long cutBytes, string? damagedTailPath)
    {
        Path = path;
        _fs = fs;
        _file = file;
        Records = records;
        _nextSequence = nextSequence;
        Created = created;
        CutBytes = cutBytes;
        DamagedTailPath = damagedTailPath;
    }

    /// <summary>0x89 'C' 'K' 'J' 'L' CR LF 0x1A, as the .ckpt header's magic but with "JL".</summary>
    public static ReadOnlySpan<byte> FileMagic => [0x89, (byte)'C', (byte)'K', (byte)'J', (byte)'L', 0x0D, 0x0A, 0x1A];

    public string Path { get; }

    /// <summary>The valid records found by <see cref="Open"/>, oldest first.</summary>
    public IReadOnlyList<LogRecord> Records { get; }

    /// <summary>True when <see cref="Open"/> created the file.</summary>
    public bool Created { get; }

    /// <summary>How many bytes of torn or garbage tail <see cref="Open"/> cut off.</summary>
    public long CutBytes { get; }

    /// <summary>Where <see cref="Open"/> kept a copy of a cut tail that held valid-looking records after the damage; otherwise null.</summary>
    public string? DamagedTailPath { get; }

    /// <summary>The sequence number the next appended record gets.</summary>
    public long NextSequence => _nextSequence;

    /// <summary>The file's length including appended, uncommitted records.</summary>
    public long Length => _file?.Length ?? 0;

    /// <summary>
    /// Opens the log at <paramref name="path"/>, creating it durably when missing, and returns it with
    /// the records it holds. A torn or garbage tail is cut (truncate + fsync); the records before it are kept.
    /// </summary>
    /// <exception cref="CheckpointCorruptException">The file is not a journal.</exception>
    /// <exception cref="CheckpointVersionException">The file is a journal of a newer, unknown version.</exception>
    /// <exception cref="CheckpointStorageException">The file system failed.</exception>
    public static AppendOnlyLog Open(string path, IFileSystem? fileSystem = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fs = fileSystem ?? PosixFileSystem.Instance;
        path = System.IO.Path.GetFullPath(path);
        var created = false;
        var newPath = path + NewFileSuffix;
        if (Guard("check", newPath, () => fs.FileExists(newPath)))
        {
            Guard("delete", newPath, () => fs.Delete(newPath));
        }

        if (!Guard("check", path, () => fs.FileExists(path)))
        {
            Create(fs, path, newPath);
            created = true;
        }

        var scan = Scan(fs, path);
        if (scan.TailTooLarge)
        {
            throw new CheckpointCorruptException(
                $"The journal '{path}' has {scan.FileLength - scan.ValidLength} unreadable bytes after its last valid record (at offset {scan.ValidLength}); that is far more than an interrupted write leaves, so it was not cut automatically. Copy the file somewhere safe, then truncate it to {scan.ValidLength} bytes to continue.",
                path)
            { Reason = "large unreadable tail" };
        }

        string? damagedTailPath = null;
        if (scan.TailHasValidRecords)
        {
            damagedTailPath = SaveDamagedTail(fs, path, scan, time ?? TimeProvider.System);
        }

        var file = Guard("open", path, () => fs.OpenAppend(path));
        try
        {
            if (scan.ValidLength < file.Length)
            {
                Guard("truncate", path, () => file.Truncate(scan.ValidLength));
                Guard("fsync", path, file.Sync);
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return new AppendOnlyLog(path, fs, file, scan.Records, scan.NextSequence, created, scan.FileLength - scan.ValidLength, damagedTailPath);
    }

    /// <summary>Writes one record (not yet durable) and returns its sequence number.</summary>
    /// <exception cref="ArgumentException">The payload is larger than <see cref="MaxPayloadLength"/>.</exception>
    /// <exception cref="CheckpointStorageException">The write failed; the log accepts nothing more (reopen it).</exception>
    public long Append(ReadOnlySpan<byte> payload)
    {
        ThrowIfUnusable();
        if (payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"A journal record holds at most {MaxPayloadLength} bytes; this one has {payload.Length}.", nameof(payload));
        }

        var sequence = _nextSequence;
        var record = Encode(sequence, payload);
        Run("write", () => _file!.Append(record));
        _nextSequence++;
        _dirty = true;
        return sequence;
    }

    /// <summary>Makes every appended record durable (fsync). Does nothing when nothing was appended since the last commit.</summary>
    /// <exception cref="CheckpointStorageException">fsync failed; whether the uncommitted records survive is unknown, and the log accepts nothing more.</exception>
    public void Commit()
    {
        ThrowIfUnusable();
        if (!_dirty)
        {
            return;
        }

        Run("fsync", () => _file!.Sync());
        _dirty = false;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    /// <summary>The whole on-disk encoding of one record, for tests and tools.</summary>
    internal static byte[] Encode(long sequence, ReadOnlySpan<byte> payload)
    {
        var record = new byte[RecordOverhead + payload.Length];
        RecordFraming.Write(record, sequence, payload);
        return record;
    }

    private static void Create(IFileSystem fs, string path, string newPath)
    {
        var header = new byte[FileHeaderSize];
        FileMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Version);
        using (var file = Guard("create", newPath, () => fs.CreateNew(newPath)))
        {
            Guard("write", newPath, () => file.Append(header));
            Guard("fsync", newPath, file.Sync);
        }

        Guard("rename", path, () => fs.RenameNoReplace(newPath, path));
        var directory = System.IO.Path.GetDirectoryName(path)!;
        Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
    }

    /// <summary>
    /// Reads the whole file without changing it, verifying every record. A tail longer than <see cref="MaxScannedTail"/>
    /// is not searched (<see cref="ScanResult.TailTooLarge"/>; <see cref="Open"/> refuses such a file).
    /// </summary>
    /// <exception cref="CheckpointCorruptException">The file does not start with the journal magic.</exception>
    /// <exception cref="CheckpointVersionException">The file is a journal of another version.</exception>
    internal static ScanResult Scan(IFileSystem fs, string path)
    {
        using var file = Guard("open", path, () => fs.OpenRead(path));
        var length = file.Length;
        var header = new byte[FileHeaderSize];
        var got = Guard("read", path, () => file.ReadAt(0, header));
        if (got < FileHeaderSize || !header.AsSpan(0, FileMagic.Length).SequenceEqual(FileMagic))
        {
            throw new CheckpointCorruptException(
                $"'{path}' is not a journal written by this library (its first bytes are not the journal magic). It was left untouched; move it away to start over.",
                path)
            { Reason = "not a journal" };
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version != Version)
        {
            throw new CheckpointVersionException(
                $"'{path}' is a journal of format version {version}; this library reads version {Version}. Use a newer version of the library.",
                path,
                (int)Math.Min(version, int.MaxValue));
        }

        var records = new List<LogRecord>();
        var offset = (long)FileHeaderSize;
        var expected = 1L;
        var recordHeader = new byte[RecordHeaderSize];
        while (TryReadRecord(file, path, offset, expected, recordHeader, out var record))
        {
            records.Add(record);
            offset += RecordOverhead + record.Payload.Length;
            expected++;
        }

        if (length - offset > MaxScannedTail)
        {
            return new ScanResult(records, offset, length, expected, TailHasValidRecords: true, TailTooLarge: true);
        }

        var tailHasValid = offset < length && HasValidRecordAfter(file, path, offset, expected);
        return new ScanResult(records, offset, length, expected, tailHasValid, TailTooLarge: false);
    }

    /// <summary>Reads the record at <paramref name="offset"/> if it is complete, verified and has sequence <paramref name="expected"/>.</summary>
    private static bool TryReadRecord(IReadableFile file, string path, long offset, long expected, byte[] headerBuffer, out LogRecord record)
    {
        record = default;
        var remaining = file.Length - offset;
        if (remaining < RecordOverhead || Guard("read", path, () => file.ReadAt(offset, headerBuffer)) < RecordHeaderSize)
        {
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(headerBuffer);
        var reserved = BinaryPrimitives.ReadUInt32LittleEndian(headerBuffer.AsSpan(4));
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(headerBuffer.AsSpan(8));
        if (payloadLength > MaxPayloadLength || reserved != 0 || sequence != (ulong)expected || RecordOverhead + payloadLength > remaining)
        {
            return false;
        }

        var whole = new byte[RecordOverhead + payloadLength];
        if (Guard("read", path, () => file.ReadAt(offset, whole)) < whole.Length)
        {
            return false;
        }

        var hashed = RecordHeaderSize + (int)payloadLength;
        if (BinaryPrimitives.ReadUInt64LittleEndian(whole.AsSpan(hashed)) != XxHash3.HashToUInt64(whole.AsSpan(0, hashed)))
        {
            return false;
        }

        record = new LogRecord(expected, whole.AsMemory(RecordHeaderSize, (int)payloadLength), offset);
        return true;
    }

    /// <summary>
    /// True when a verifiable record with a later sequence number starts anywhere after the damage:
    /// then the tail is not just a torn write, and its bytes are kept aside before the cut. Also true when the search
    /// exceeds <see cref="RecordFraming.SearchBudget"/> (hostile bytes), which keeps the tail as damage.
    /// </summary>
    private static bool HasValidRecordAfter(IReadableFile file, string path, long damagedAt, long expected)
    {
        var length = file.Length;
        var tail = new byte[length - damagedAt];
        var budget = RecordFraming.SearchBudget(tail.Length);
        Guard("read", path, () => file.ReadAt(damagedAt, tail));
        for (var i = 0; i + RecordOverhead <= tail.Length; i++)
        {
            var span = tail.AsSpan(i);
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(span);
            if (payloadLength > MaxPayloadLength
                || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != 0
                || BinaryPrimitives.ReadUInt64LittleEndian(span[8..]) < (ulong)expected
                || BinaryPrimitives.ReadUInt64LittleEndian(span[8..]) > (ulong)expected + (ulong)tail.Length
                || RecordOverhead + payloadLength > span.Length)
            {
                continue;
            }

            var hashed = RecordHeaderSize + (int)payloadLength;
            budget -= hashed;
            if (budget < 0 || BinaryPrimitives.ReadUInt64LittleEndian(span[hashed..]) == XxHash3.HashToUInt64(span[..hashed]))
            {
                return true;
            }
        }

        return false;
    }

    private static string SaveDamagedTail(IFileSystem fs, string path, ScanResult scan, TimeProvider time)
    {
        var stamp = time.GetUtcNow().ToString("yyyyMMdd_HHmmss_fff", CultureInfo.InvariantCulture);
        var copyPath = path + DamagedTailSuffix + stamp;
        var tail = new byte[scan.FileLength - scan.ValidLength];
        using (var source = Guard("open", path, () => fs.OpenRead(path)))
        {
            Guard("read", path, () => source.ReadAt(scan.ValidLength, tail));
        }

        for (var n = 1; Guard("check", copyPath, () => fs.FileExists(copyPath)); n++)
        {
            copyPath = path + DamagedTailSuffix + stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        using (var copy = Guard("create", copyPath, () => fs.CreateNew(copyPath)))
        {
            Guard("write", copyPath, () => copy.Append(tail));
            Guard("fsync", copyPath, copy.Sync);
        }

        var directory = System.IO.Path.GetDirectoryName(path)!;
        Guard("fsync directory", directory, () => fs.SyncDirectory(directory));
        return copyPath;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
        if (_failure is not null)
        {
            throw new CheckpointStorageException(
                $"The journal '{Path}' failed earlier ({_failure.Message}) and accepts no more records; reopen it to continue from its last committed record.",
                isTransient: false,
                _failure);
        }
    }

    private void Run(string operation, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            var error = StorageError(operation, Path, ex);
            _failure = error;
            throw error;
        }
    }

    private static T Guard<T>(string operation, string path, Func<T> action) =>
        StorageErrors.Guard(operation + " (journal)", path, action, StorageErrors.RecordsKept);

    private static void Guard(string operation, string path, Action action) =>
        StorageErrors.Guard(operation + " (journal)", path, action, StorageErrors.RecordsKept);

    private static CheckpointStorageException StorageError(string operation, string path, Exception ex) =>
        StorageErrors.From(operation + " (journal)", path, ex, StorageErrors.RecordsKept);

    /// <summary>What <see cref="Scan"/> found: the valid records, where they end, and whether the bytes after them are more than a torn append.</summary>
    internal sealed record ScanResult(List<LogRecord> Records, long ValidLength, long FileLength, long NextSequence, bool TailHasValidRecords, bool TailTooLarge);
}
