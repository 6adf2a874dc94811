using System.Buffers.Binary;
using Checkpointing.Interop;
using Checkpointing.RecordLog;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.RecordLog;

/// <summary>
/// The append-only log on the real file system: record round trips, torn and garbage tails cut at
/// every offset without losing an earlier record, foreign and future files refused untouched.
/// </summary>
public sealed class AppendOnlyLogTests : IDisposable
{
    private readonly TempRoot _root = new();

    private string LogPath => Path.Combine(_root.Path, "test.journal");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Open_MissingFile_CreatesEmptyLogWithHeaderOnly()
    {
        using (var log = AppendOnlyLog.Open(LogPath))
        {
            Assert.True(log.Created);
            Assert.Empty(log.Records);
            Assert.Equal(1, log.NextSequence);
        }

        var bytes = File.ReadAllBytes(LogPath);
        Assert.Equal(AppendOnlyLog.FileHeaderSize, bytes.Length);
        Assert.Equal(AppendOnlyLog.FileMagic.ToArray(), bytes[..8]);
        Assert.Equal(AppendOnlyLog.Version, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.False(File.Exists(LogPath + AppendOnlyLog.NewFileSuffix));
    }

    [Fact]
    public void AppendCommit_Reopen_ReturnsEveryRecordInOrderWithSequences()
    {
        var payloads = Payloads(TestSeed.Next(), 40);
        using (var log = AppendOnlyLog.Open(LogPath))
        {
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.Equal(i + 1, log.Append(payloads[i]));
                if (i % 7 == 0)
                {
                    log.Commit();
                }
            }

            log.Commit();
        }

        using var reopened = AppendOnlyLog.Open(LogPath);
        Assert.False(reopened.Created);
        Assert.Equal(0, reopened.CutBytes);
        Assert.Equal(payloads.Count, reopened.Records.Count);
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.Equal(i + 1, reopened.Records[i].Sequence);
            Assert.Equal(payloads[i], reopened.Records[i].Payload.ToArray());
        }

        Assert.Equal(payloads.Count + 1, reopened.NextSequence);
    }

    [Fact]
    public void Append_Uncommitted_IsInTheFileForTheNextOpen()
    {
        var log = AppendOnlyLog.Open(LogPath);
        log.Append([1, 2, 3]);
        log.Dispose(); // A killed process: the write reached the OS, the fsync never happened.

        using var reopened = AppendOnlyLog.Open(LogPath);
        Assert.Equal([1, 2, 3], Assert.Single(reopened.Records).Payload.ToArray());
    }

    [Fact]
    public void Open_LastRecordTornAtEveryOffset_KeepsEarlierRecordsCutsTailAndAppendsAfterThem()
    {
        List<byte[]> payloads = [[10, 11], [], Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()];
        var full = Write(payloads);
        var endOfSecond = AppendOnlyLog.FileHeaderSize + (2 * AppendOnlyLog.RecordOverhead) + 2;

        for (var length = endOfSecond; length < full.Length; length++)
        {
            File.WriteAllBytes(LogPath, full[..length]);
            using (var log = AppendOnlyLog.Open(LogPath))
            {
                Assert.Equal(2, log.Records.Count);
                Assert.Equal(payloads[0], log.Records[0].Payload.ToArray());
                Assert.Equal(length - endOfSecond, log.CutBytes);
                Assert.Null(log.DamagedTailPath);
                Assert.Equal(endOfSecond, new FileInfo(LogPath).Length);
                Assert.Equal(3, log.Append([42]));
                log.Commit();
            }

            using var again = AppendOnlyLog.Open(LogPath);
            Assert.Equal(new byte[][] { [10, 11], [], [42] }, again.Records.Select(r => r.Payload.ToArray()));
        }
    }

    [Theory]
    [InlineData("random")]
    [InlineData("zeros")]
    [InlineData("ones")]
    [InlineData("header-with-huge-length")]
    [InlineData("stale-valid-record")]
    public void Open_GarbageAfterLastRecord_IsCutAndRecordsKept(string kind)
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var payloads = Payloads(seed, 5);
        var full = Write(payloads);
        byte[] garbage = kind switch
        {
            "random" => RandomBytes(rng, rng.Next(1, 300)),
            "zeros" => new byte[rng.Next(1, 300)],
            "ones" => Enumerable.Repeat((byte)0xFF, rng.Next(1, 300)).ToArray(),
            "header-with-huge-length" => [.. BitConverter.GetBytes(uint.MaxValue), 0, 0, 0, 0, .. BitConverter.GetBytes(6UL)],
            _ => AppendOnlyLog.Encode(3, [1, 2, 3]),
        };
        File.WriteAllBytes(LogPath, [.. full, .. garbage]);

        using var log = AppendOnlyLog.Open(LogPath);

        Assert.True(payloads.Select(p => p).SequenceEqual(log.Records.Select(r => r.Payload.ToArray()), ByteArrayComparer.Instance), TestSeed.Describe(seed));
        Assert.Equal(garbage.Length, log.CutBytes);
        Assert.Equal(full.Length, new FileInfo(LogPath).Length);
    }

    [Fact]
    public void Open_DamageBeforeValidRecords_KeepsEarlierRecordsAndSavesTheCutTailAside()
    {
        var payloads = Payloads(TestSeed.Next(), 6).Select(p => p.Length == 0 ? new byte[] { 9 } : p).ToList();
        var full = Write(payloads);
        var third = AppendOnlyLog.FileHeaderSize + payloads.Take(2).Sum(p => p.Length + AppendOnlyLog.RecordOverhead);
        var damaged = full.ToArray();
        damaged[third + AppendOnlyLog.RecordHeaderSize] ^= 0x40; // A bit flip in the third record's payload.
        File.WriteAllBytes(LogPath, damaged);

        using var log = AppendOnlyLog.Open(LogPath);

        Assert.Equal(2, log.Records.Count);
        Assert.NotNull(log.DamagedTailPath);
        Assert.Equal(damaged[third..], File.ReadAllBytes(log.DamagedTailPath!));
        Assert.Equal(third, new FileInfo(LogPath).Length);
    }

    [Fact]
    public void Open_SequenceGap_EndsTheLogThere()
    {
        var header = new byte[AppendOnlyLog.FileHeaderSize];
        AppendOnlyLog.FileMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), AppendOnlyLog.Version);
        File.WriteAllBytes(LogPath, [.. header, .. AppendOnlyLog.Encode(1, [1]), .. AppendOnlyLog.Encode(3, [3])]);

        using var log = AppendOnlyLog.Open(LogPath);

        Assert.Single(log.Records);
        Assert.Equal(2, log.NextSequence);
        Assert.NotNull(log.DamagedTailPath);
    }

    [Fact]
    public void Open_NotAJournal_ThrowsCorruptAndLeavesFileUntouched()
    {
        var content = "name,value\nlr,0.1\n"u8.ToArray();
        File.WriteAllBytes(LogPath, content);

        var ex = Assert.Throws<CheckpointCorruptException>(() => AppendOnlyLog.Open(LogPath));

        Assert.Contains("not a journal", ex.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(LogPath));
    }

    [Fact]
    public void Open_FutureVersion_ThrowsVersionExceptionAndLeavesFileUntouched()
    {
        Write([[1]]);
        var bytes = File.ReadAllBytes(LogPath);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(LogPath, bytes);

        var ex = Assert.Throws<CheckpointVersionException>(() => AppendOnlyLog.Open(LogPath));

        Assert.Equal(2, ex.FileMajorVersion);
        Assert.Equal(bytes, File.ReadAllBytes(LogPath));
    }

    [Fact]
    public void Open_LeftoverNewFileFromCrashedCreation_IsRemoved()
    {
        File.WriteAllBytes(LogPath + AppendOnlyLog.NewFileSuffix, [0x89, 0x43]);

        using var log = AppendOnlyLog.Open(LogPath);

        Assert.True(log.Created);
        Assert.False(File.Exists(LogPath + AppendOnlyLog.NewFileSuffix));
    }

    [Fact]
    public void Append_PayloadOverLimit_ThrowsWithoutWriting()
    {
        using var log = AppendOnlyLog.Open(LogPath);

        Assert.Throws<ArgumentException>(() => log.Append(new byte[AppendOnlyLog.MaxPayloadLength + 1]));
        Assert.Equal(AppendOnlyLog.FileHeaderSize, log.Length);
        Assert.Equal(1, log.Append([]));
    }

    [Fact]
    public void Commit_FsyncFails_ThrowsStorageErrorAndRefusesEverythingAfterwardsWithoutSyncingAgain()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable("/sim/j");
        using var log = AppendOnlyLog.Open("/sim/j/log", fs);
        log.Append([1]);
        fs.FailAt(fs.OperationCount + 1, Errno.EIO);

        var first = Assert.Throws<CheckpointStorageException>(log.Commit);
        Assert.Equal(Errno.EIO, first.Errno);
        Assert.Throws<CheckpointStorageException>(() => log.Append([2]));
        Assert.Throws<CheckpointStorageException>(log.Commit);
        Assert.Empty(fs.SyncsAfterFailure);
    }

    [Fact]
    public void Append_WriteFails_LogRefusesFurtherAppends()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable("/sim/j");
        using var log = AppendOnlyLog.Open("/sim/j/log", fs);
        fs.FailAt(fs.OperationCount + 1, Errno.ENOSPC);

        var ex = Assert.Throws<CheckpointStorageException>(() => log.Append([1]));

        Assert.True(ex.IsTransient);
        Assert.Throws<CheckpointStorageException>(() => log.Append([2]));
    }

    private byte[] Write(IReadOnlyList<byte[]> payloads)
    {
        File.Delete(LogPath);
        using (var log = AppendOnlyLog.Open(LogPath))
        {
            foreach (var payload in payloads)
            {
                log.Append(payload);
            }

            log.Commit();
        }

        return File.ReadAllBytes(LogPath);
    }

    private static List<byte[]> Payloads(int seed, int count)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(i => RandomBytes(rng, i % 5 == 0 ? 0 : rng.Next(1, 2000))).ToList();
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
