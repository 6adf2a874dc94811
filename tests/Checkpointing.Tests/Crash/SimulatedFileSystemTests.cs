using Checkpointing.Interop;
using Checkpointing.Storage;

namespace Checkpointing.Tests.Crash;

/// <summary>The power-cut model itself: what survives, what does not, and that crashes and errors fire where asked.</summary>
public sealed class SimulatedFileSystemTests
{
    private const string Dir = "/sim/d";

    [Fact]
    public void CrashImage_UnsyncedAppend_KeptLostOrGarbagePerOutcome()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir);
        using (var file = fs.CreateNew(Dir + "/f"))
        {
            file.Append(Bytes(10, 1));
            file.Sync();
            file.Append(Bytes(5, 2));
        }

        fs.SyncDirectory(Dir);

        Assert.Equal(Bytes(10, 1), Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly).PeekBytes(Dir + "/f"));
        Assert.Equal(Bytes(10, 1).Concat(Bytes(5, 2)), Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.All).PeekBytes(Dir + "/f")!);
        var garbage = Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.Garbage).PeekBytes(Dir + "/f")!;
        Assert.Equal(15, garbage.Length);
        Assert.Equal(Bytes(10, 1), garbage[..10]);
        Assert.NotEqual(Bytes(5, 2), garbage[10..]);
    }

    [Fact]
    public void CrashImage_RenameNotMadeDurable_FileReappearsUnderOldName()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir);
        using (var file = fs.CreateNew(Dir + "/f.tmp"))
        {
            file.Append(Bytes(3, 1));
            file.Sync();
        }

        fs.SyncDirectory(Dir);
        fs.RenameNoReplace(Dir + "/f.tmp", Dir + "/f");

        var lost = Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.All);
        Assert.Equal(["f.tmp"], lost.Peek(Dir).Select(e => e.Name));
        Assert.Equal(Bytes(3, 1), lost.PeekBytes(Dir + "/f.tmp"));
        Assert.Equal(["f"], Image(fs, NamespaceSurvival.All, DataSurvival.All).Peek(Dir).Select(e => e.Name));

        fs.SyncDirectory(Dir);
        Assert.Equal(["f"], Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly).Peek(Dir).Select(e => e.Name));
    }

    [Fact]
    public void CrashImage_CreateAndDeleteNotMadeDurable_AreUndone()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir + "/sub");
        fs.CreateNew(Dir + "/kept").Dispose();
        fs.SyncDirectory(Dir);
        fs.Delete(Dir + "/kept");
        fs.CreateNew(Dir + "/new").Dispose();

        var image = Image(fs, NamespaceSurvival.SyncedOnly, DataSurvival.All);

        Assert.True(image.DirectoryExists(Dir + "/sub"));
        Assert.Equal(["kept"], image.Peek(Dir).Select(e => e.Name));
        Assert.Equal(["new"], fs.Peek(Dir).Select(e => e.Name));
    }

    [Fact]
    public void CrashImage_RandomOutcomes_StayWithinAllowedRangeAndCoverEveryKind()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir);
        var synced = Bytes(100, 1);
        var tail = Bytes(50, 2);
        using (var file = fs.CreateNew(Dir + "/f"))
        {
            file.Append(synced);
            file.Sync();
            file.Append(tail);
        }

        fs.SyncDirectory(Dir);
        var kinds = new HashSet<string>();
        for (var seed = 1; seed <= 200; seed++)
        {
            var bytes = fs.CrashImage(CrashOutcome.Random(seed)).PeekBytes(Dir + "/f")!;
            Assert.True(bytes.Length is >= 100 and <= 150, $"seed {seed}: {bytes.Length} bytes survived");
            Assert.True(bytes.AsSpan(0, 100).SequenceEqual(synced), $"seed {seed}: synced bytes changed");
            var intact = 0;
            while (100 + intact < bytes.Length && bytes[100 + intact] == tail[intact])
            {
                intact++;
            }

            kinds.Add(bytes.Length == 100 ? "lost" : bytes.Length == 150 && intact == 50 ? "kept" : intact == bytes.Length - 100 ? "prefix" : "garbage");
            Assert.Equal(bytes, fs.CrashImage(CrashOutcome.Random(seed)).PeekBytes(Dir + "/f"));
        }

        Assert.Equal(["garbage", "kept", "lost", "prefix"], kinds.Order());
    }

    [Fact]
    public void CrashAfter_K_LetsKOperationsRunThenThrowsFromEveryLaterOne()
    {
        var fs = new SimulatedFileSystem();
        fs.CrashAfter(2);
        fs.CreateDirectoryDurable(Dir);
        var file = fs.CreateNew(Dir + "/f");

        var crash = Assert.Throws<SimulatedCrashException>(() => file.Append(Bytes(1, 1)));
        Assert.Equal(3, crash.OperationNumber);
        Assert.Throws<SimulatedCrashException>(() => fs.FileExists(Dir + "/f"));
        Assert.True(fs.HasCrashed);
        Assert.Equal(2, fs.OperationCount);
        Assert.Empty(fs.PeekBytes(Dir + "/f")!);
    }

    [Fact]
    public void FailAt_Sync_ThrowsErrnoAndRecordsAnyLaterSyncOfThatFile()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir);
        using var file = fs.CreateNew(Dir + "/f");
        file.Append(Bytes(4, 1));
        fs.FailAt(fs.OperationCount + 1, Errno.EIO);

        var error = Assert.Throws<FileSystemIOException>(file.Sync);
        Assert.Equal(Errno.EIO, error.Errno);
        Assert.Empty(fs.SyncsAfterFailure);

        Assert.Throws<InvalidOperationException>(file.Sync);
        Assert.Single(fs.SyncsAfterFailure);
        Assert.Empty(Image(fs, NamespaceSurvival.All, DataSurvival.SyncedOnly).PeekBytes(Dir + "/f")!);
    }

    [Fact]
    public void TryLock_SecondTaker_GetsNullAndHolderTextUntilReleased()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Dir);

        var first = fs.TryLock(Dir + "/lock", _ => "pid=1\nhost=a\n", out _);
        var second = fs.TryLock(Dir + "/lock", _ => "pid=2\nhost=b\n", out var holder);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal("pid=1\nhost=a\n", holder);
        first.Dispose();
        using var third = fs.TryLock(Dir + "/lock", _ => "pid=3\nhost=c\n", out _);
        Assert.NotNull(third);
    }

    private static SimulatedFileSystem Image(SimulatedFileSystem fs, NamespaceSurvival names, DataSurvival data) =>
        fs.CrashImage(new CrashOutcome(names, data, Seed: 0));

    private static byte[] Bytes(int count, byte value) => Enumerable.Range(0, count).Select(i => (byte)(value + (i * 7))).ToArray();
}
