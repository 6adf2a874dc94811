using System.Globalization;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// A journal commit under injected errors (strace): the segment's <c>pwrite64</c> or <c>fdatasync</c>
/// fails with EIO, ENOSPC or EDQUOT. The commit must fail with a typed storage error carrying the errno,
/// without retrying the fdatasync; every record committed before stays readable and intact, and the
/// next process commits the next sequence. strace counts only calls on the segment file (<c>-P</c>), so
/// the failing call is the first of its kind whatever the runtime does.
/// </summary>
public sealed class JournalInjectionTests(ITestOutputHelper output)
{
    private const int StorageErrorExitCode = 3;
    private const string Segment = "segment_00000000000000000001.log";

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var syscall in new[] { "pwrite64", "fdatasync" })
        {
            foreach (var (name, number) in new[] { ("EIO", 5), ("ENOSPC", 28), ("EDQUOT", 122) })
            {
                data.Add(syscall, name, number);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Commit_SegmentSyscallFails_ThrowsStorageErrorAndCommittedRecordsSurvive(string syscall, string errnoName, int errno)
    {
        var strace = ChildHost.FindOnPath("strace");
        if (strace is null)
        {
            Assert.False(TestSettings.InCi, "strace is not installed; CI must install it (apt-get install -y strace).");
            output.WriteLine("SKIPPED: strace is not on PATH.");
            return;
        }

        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        await Expect(ChildProcess.StartChild("journal-commit", root), 0, "COMMITTED 1");
        await Expect(ChildProcess.StartChild("journal-commit", root), 0, "COMMITTED 2");
        var segment = Path.Combine(root, LoopState.ProcessType, LoopState.RunName, "journal", Segment);
        Assert.True(File.Exists(segment), $"the journal should write {segment}");

        var log = Path.Combine(temp.Path, "journal.strace");
        using (var failing = ChildProcess.Start(strace, ["-f", "-qq", "-y", "-o", log, "-P", segment, "-e", "trace=pwrite64,write,fdatasync,fsync", "-e", $"inject={syscall}:error={errnoName}:when=1", ChildHost.Dotnet, ChildHost.ChildDll, "journal-commit", root]))
        {
            var exit = await failing.WaitForExitAsync();
            var report = failing.Lines.FirstOrDefault() ?? string.Empty;
            output.WriteLine($"child: {report}");
            Assert.True(
                exit == StorageErrorExitCode && report.StartsWith($"STORAGE_ERROR errno={errno.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal),
                $"the commit should fail with CheckpointStorageException ({errnoName}). {failing.Describe()}");
            Assert.Contains("Records committed earlier are kept", report, StringComparison.Ordinal);
        }

        var calls = StraceLog.Lines(log).Where(l => l.Contains(Segment, StringComparison.Ordinal) && l.Contains('(')).ToList();
        output.WriteLine(string.Join(Environment.NewLine, calls));
        var injectedAt = calls.FindIndex(l => l.Contains("(INJECTED)", StringComparison.Ordinal));
        Assert.True(injectedAt >= 0 && calls.Count(l => l.Contains("(INJECTED)", StringComparison.Ordinal)) == 1, "strace should have injected exactly one failure");
        Assert.Contains(syscall + "(", calls[injectedAt], StringComparison.Ordinal);
        Assert.DoesNotContain(calls.Skip(injectedAt + 1), l => l.Contains("fdatasync(", StringComparison.Ordinal) || l.Contains("fsync(", StringComparison.Ordinal));

        // Records 1 and 2 are intact; after a failed write, record 3 is absent. (After a failed fdatasync its bytes
        // may be in the page cache and come back on reopen: the commit's outcome is unknown, not lost data.)
        using (var check = ChildProcess.StartChild("journal-check", root))
        {
            Assert.Equal(0, await check.WaitForExitAsync());
            var line = check.Lines.FirstOrDefault() ?? string.Empty;
            output.WriteLine($"check: {line}");
            Assert.True(
                syscall == "pwrite64" ? line == "RECORDS 2 LAST 2 OK" : line is "RECORDS 2 LAST 2 OK" or "RECORDS 3 LAST 3 OK",
                $"committed records must survive intact: {check.Describe()}");
        }

        using var next = ChildProcess.StartChild("journal-commit", root);
        Assert.Equal(0, await next.WaitForExitAsync());
        Assert.StartsWith("COMMITTED ", next.Lines.FirstOrDefault() ?? string.Empty, StringComparison.Ordinal);
    }

    private static async Task Expect(ChildProcess child, int exitCode, string firstLine)
    {
        using (child)
        {
            var exit = await child.WaitForExitAsync();
            Assert.True(exit == exitCode && child.Lines.FirstOrDefault() == firstLine, $"expected exit {exitCode} and '{firstLine}'. {child.Describe()}");
        }
    }
}
