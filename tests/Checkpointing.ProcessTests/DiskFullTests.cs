using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Issue 6, a disk that fills up: a small tmpfs (ENOSPC at write) and a small ext4 on a loop device (delayed
/// allocation: ENOSPC may come at write or at fsync) are filled while a writer runs. Each failed save must be a
/// CheckpointStorageException carrying ENOSPC, naming the file and saying what to do; the checkpoints saved before
/// stay byte for byte, latest does not move, retention deletes nothing, no temp file is left; once space is freed
/// the same process saves again. Journal commits the same. Needs root (mounts): skipped with a note when not root,
/// a failure when CI=true.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output)
{
    private const int SizeMiB = 24;
    private const int SmallPayload = 4 << 10;

    // A state of 4 MiB (about 5.4 MiB of JSON): with 1 MiB free it starts fitting and runs out midway.
    private const int LargePayload = 4 << 20;
    private const long MidwayFree = 1 << 20;

    public static TheoryData<string, string> Cases() => new()
    {
        { "tmpfs", "no-room" },
        { "tmpfs", "midway" },
        { "ext4", "no-room" },
        { "ext4", "midway" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Save_FileSystemFull_FailsWithEnospcAndEarlierCheckpointsSurviveThenSavesAgain(string kind, string fill)
    {
        if (SkipUnlessCanMount())
        {
            return;
        }

        using var temp = new TempRoot();
        using var fs = FaultFileSystem.Mount(kind, temp.Path, SizeMiB);
        var root = Path.Combine(fs.MountPoint, "run");
        var runDirectory = SessionChild.RunDirectory(root);
        using var session = await SessionChild.StartAsync(root);
        Assert.True(session.Opened == "OPENED count=0", session.Describe());
        for (var step = 1; step <= 3; step++)
        {
            Assert.Equal($"SAVED {step}", await session.SendAsync($"save {step} {SmallPayload}"));
        }

        var before = Snapshot(runDirectory);
        var payload = fill == "midway" ? LargePayload : SmallPayload;
        var free = fs.Fill(Path.Combine(fs.MountPoint, "filler"), fill == "midway" ? MidwayFree : 0);

        // Three saves in a row fail; each is typed, names ENOSPC and the file, and says what to do.
        var where = new List<string>();
        for (var step = 4; step <= 6; step++)
        {
            var answer = await session.SendAsync($"save {step} {payload}");
            output.WriteLine($"save {step} ({payload} bytes, {free} free): {answer}");
            Assert.StartsWith("SAVE_ERROR CheckpointStorageException errno=28 transient=True ", answer, StringComparison.Ordinal);
            Assert.Contains($"'{runDirectory}/checkpoint_step_{step}_", answer, StringComparison.Ordinal);
            Assert.Contains("ENOSPC (no space left on device)", answer, StringComparison.Ordinal);
            Assert.Contains("Free some space", answer, StringComparison.Ordinal);
            Assert.Contains("Checkpoints saved earlier are untouched", answer, StringComparison.Ordinal);
            where.Add(answer.Contains("message=Could not write ", StringComparison.Ordinal) ? "write"
                : answer.Contains("message=Could not fsync ", StringComparison.Ordinal) ? "fsync"
                : answer.Contains("message=Could not create ", StringComparison.Ordinal) ? "create" : "other");
            Assert.True(CountTemp(runDirectory) == 0, $"a failed save must remove its temp file: {string.Join(", ", Directory.GetFiles(runDirectory))}");
        }

        // Nothing saved before changed or went (retention ran for none of the failed saves); latest is still step 3.
        Assert.Equal(before, Snapshot(runDirectory));
        Assert.Equal("LATEST 3 OK skipped=0", await session.SendAsync("load"));
        Assert.Equal("LIST 3 1,2,3", await session.SendAsync("list"));

        File.Delete(Path.Combine(fs.MountPoint, "filler"));
        fs.Sync();
        Assert.Equal("SAVED 4", await session.SendAsync($"save 4 {payload}"));
        Assert.Equal("LATEST 4 OK skipped=0", await session.SendAsync("load"));
        Assert.Equal("LIST 3 2,3,4", await session.SendAsync("list"));
        Assert.Equal(0, await session.QuitAsync());
        Assert.Equal(before.Skip(1), Snapshot(runDirectory).Take(2));

        output.WriteLine($"SCENARIO disk-full {kind} {fill}: 3 saves of {payload} bytes with {free} bytes free failed with ENOSPC at {string.Join("/", where.Distinct())}; steps 1-3 intact, latest stayed 3, no temp file; after freeing space step 4 saved and retention kept 2,3,4");
    }

    /// <summary>
    /// The delayed case: ext4 on a thin-provisioned image (a sparse file on a 12 MiB tmpfs) accepts a 24 MiB save into
    /// the page cache, and the backing store runs out at writeback, so the error comes from fsync. ext4 then aborts its
    /// journal and remounts itself read-only. The save must still fail typed, the run must keep steps 1-3 byte for byte
    /// through an unmount, e2fsck and remount with more backing space, and the next writer must clean up and save.
    /// </summary>
    [Fact]
    public async Task Save_ThinProvisionedBackingFull_FsyncFailsTypedAndRunRecoversAfterRepair()
    {
        if (SkipUnlessCanMount())
        {
            return;
        }

        using var temp = new TempRoot();
        using var fs = FaultFileSystem.MountThin(temp.Path, backingMiB: 12, imageMiB: 64);
        var root = Path.Combine(fs.MountPoint, "run");
        var runDirectory = SessionChild.RunDirectory(root);
        string failure;
        using (var session = await SessionChild.StartAsync(root))
        {
            for (var step = 1; step <= 3; step++)
            {
                Assert.Equal($"SAVED {step}", await session.SendAsync($"save {step} {SmallPayload}"));
            }

            failure = await session.SendAsync($"save 4 {24 << 20}");
            output.WriteLine($"save 4 (24 MiB, backing store nearly full): {failure}");
            Assert.Matches("^SAVE_ERROR CheckpointStorageException errno=(28|5) ", failure);
            Assert.Contains($"'{runDirectory}/checkpoint_step_4_", failure, StringComparison.Ordinal);
            Assert.Equal("LATEST 3 OK skipped=0", await session.SendAsync("load"));
            Assert.Equal(0, await session.QuitAsync());
        }

        var before = Snapshot(runDirectory);
        var wentReadOnly = fs.IsReadOnlyNow();
        var tempLeft = Directory.GetFiles(runDirectory, "*.tmp-*").Length;
        Assert.True(tempLeft <= 1, $"at most one temp file may survive a failed save: {string.Join(", ", Directory.GetFiles(runDirectory))}");
        var repair = fs.GrowBackingAndRepair(backingMiB: 96);

        // From the repaired disk, not the page cache: steps 1-3 are what they were, and the next writer cleans up.
        Assert.Equal(3, before.Count);
        Assert.Equal(before, Snapshot(runDirectory));
        using (var session = await SessionChild.StartAsync(root))
        {
            Assert.True(session.Opened == "OPENED count=3 1,2,3", session.Describe());
            Assert.Empty(Directory.GetFiles(runDirectory, "*.tmp-*"));
            Assert.Equal("LATEST 3 OK skipped=0", await session.SendAsync("load"));
            Assert.Equal("SAVED 4", await session.SendAsync($"save 4 {SmallPayload}"));
            Assert.Equal("LATEST 4 OK skipped=0", await session.SendAsync("load"));
            Assert.Equal(0, await session.QuitAsync());
        }

        var at = failure.Contains("message=Could not fsync ", StringComparison.Ordinal) ? "fsync" : failure.Contains("message=Could not write ", StringComparison.Ordinal) ? "write" : "other";
        var errno = failure.Contains("errno=28", StringComparison.Ordinal) ? "ENOSPC" : "EIO";
        output.WriteLine($"SCENARIO disk-full ext4-thin: 24 MiB save failed with {errno} at {at}; ext4 went read-only: {wentReadOnly}; {tempLeft} temp file left; after {repair} and remount steps 1-3 byte for byte, temp removed on open, step 4 saved");
    }

    [Theory]
    [InlineData("tmpfs")]
    [InlineData("ext4")]
    public async Task Commit_FileSystemFull_FailsWithEnospcAndCommittedRecordsSurvive(string kind)
    {
        if (SkipUnlessCanMount())
        {
            return;
        }

        using var temp = new TempRoot();
        using var fs = FaultFileSystem.Mount(kind, temp.Path, SizeMiB);
        var root = Path.Combine(fs.MountPoint, "run");
        await Expect(ChildProcess.StartChild("journal-commit", root), 0, "COMMITTED 1");
        await Expect(ChildProcess.StartChild("journal-commit", root), 0, "COMMITTED 2");

        // A 2 MiB record with 256 KiB free: its write starts and runs out midway.
        var free = fs.Fill(Path.Combine(fs.MountPoint, "filler"), 256 << 10);
        string report;
        using (var failing = ChildProcess.StartChild("journal-commit", root, (2 << 20).ToString(CultureInfo.InvariantCulture)))
        {
            var exit = await failing.WaitForExitAsync();
            report = failing.Lines.FirstOrDefault() ?? string.Empty;
            output.WriteLine($"commit of 2 MiB with {free} bytes free: {report}");
            Assert.True(exit == 3 && report.StartsWith("STORAGE_ERROR errno=28 ", StringComparison.Ordinal), $"the commit should fail with ENOSPC. {failing.Describe()}");
            Assert.Contains("ENOSPC (no space left on device)", report, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(SessionChild.RunDirectory(root), "journal"), report, StringComparison.Ordinal);
            Assert.Contains("Free some space", report, StringComparison.Ordinal);
            Assert.Contains("Records committed earlier are kept", report, StringComparison.Ordinal);
        }

        // Reopened while the disk is still full: records 1 and 2 are intact, the failed one is not there.
        await Expect(ChildProcess.StartChild("journal-check", root), 0, "RECORDS 2 LAST 2 OK");

        File.Delete(Path.Combine(fs.MountPoint, "filler"));
        fs.Sync();
        await Expect(ChildProcess.StartChild("journal-commit", root, (2 << 20).ToString(CultureInfo.InvariantCulture)), 0, "COMMITTED 3");
        await Expect(ChildProcess.StartChild("journal-check", root), 0, "RECORDS 3 LAST 3 OK");
        var at = report.Contains("Could not write", StringComparison.Ordinal) ? "write" : report.Contains("sync", StringComparison.Ordinal) ? "fdatasync" : "other";
        output.WriteLine($"SCENARIO journal-full {kind}: commit of 2 MiB with {free} bytes free failed with ENOSPC at {at}; records 1-2 intact on reopen; after freeing space record 3 committed");
    }

    private static async Task Expect(ChildProcess child, int exitCode, string firstLine)
    {
        using (child)
        {
            var exit = await child.WaitForExitAsync();
            Assert.True(exit == exitCode && child.Lines.FirstOrDefault() == firstLine, $"expected exit {exitCode} and '{firstLine}'. {child.Describe()}");
        }
    }

    /// <summary>Every checkpoint file of the run with its SHA-256, oldest first.</summary>
    internal static List<string> Snapshot(string runDirectory) =>
        Directory.GetFiles(runDirectory, "*.ckpt")
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}")
            .ToList();

    private static int CountTemp(string runDirectory) => Directory.GetFiles(runDirectory, "*.tmp-*").Length;

    private bool SkipUnlessCanMount()
    {
        if (FaultFileSystem.WhyCannotMount() is not { } why)
        {
            return false;
        }

        Assert.False(TestSettings.InCi, $"cannot run the disk-full tests: {why}. CI runs as root so they run there.");
        output.WriteLine($"SKIPPED: {why} (with CI=true this is a failure).");
        return true;
    }
}
