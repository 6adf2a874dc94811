using System.Globalization;
using System.Text.RegularExpressions;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Issue 6, injected I/O errors on the real runtime: strace fails one system call of a checkpoint
/// save (creating the temp file, writing it, fsyncing it, renaming it into place, fsyncing the run
/// directory) with EIO, ENOSPC or EDQUOT. Every case must surface as CheckpointStorageException
/// with that errno, never retry an fsync that failed, never publish the failed step, and leave the
/// previous checkpoint the latest. Needs strace: skipped (with a note) when missing, a failure when CI=true.
/// </summary>
public sealed partial class InjectionMatrixTests(ITestOutputHelper output)
{
    private const int StorageErrorExitCode = 3;

    /// <summary>The system calls strace sees; the ones a save makes plus <c>write</c> to prove it uses pwrite64.</summary>
    private const string TracedCalls = "openat,pwrite64,write,fsync,fdatasync,renameat2,close";

    private static readonly string[] Targets = ["openat-temp", "pwrite64-temp", "fsync-temp", "renameat2", "fsync-directory"];

    private static readonly (string Name, int Number)[] Errnos = [("EIO", 5), ("ENOSPC", 28), ("EDQUOT", 122)];

    /// <summary>Which save of a process the failure hits: its first, its second, or a later one.</summary>
    private static readonly int[] SaveOrdinals = [1, 2, 5];

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var target in Targets)
        {
            foreach (var (name, _) in Errnos)
            {
                foreach (var ordinal in SaveOrdinals)
                {
                    data.Add(target, name, ordinal);
                }
            }
        }

        return data;
    }

    /// <summary>
    /// The <paramref name="ordinal"/>-th save of a process fails at <paramref name="target"/> with
    /// <paramref name="errnoName"/>: the saves before it are kept, it fails typed, and the one before it stays latest.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Save_SyscallFailsWithErrno_ThrowsStorageErrorAndPreviousCheckpointStaysLatest(string target, string errnoName, int ordinal)
    {
        var strace = FindStraceOrSkip();
        if (strace is null)
        {
            return;
        }

        var errno = Errnos.Single(e => e.Name == errnoName).Number;
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        var runDirectory = Path.Combine(root, LoopState.ProcessType, LoopState.RunName);
        await ExpectSaved(ChildProcess.StartChild("save-once", root, "1"), 1);

        // Learn from clean traced saves (steps 2 .. ordinal+1 in one process) which call of the
        // ordinal-th save (the n-th of its kind on the saving thread) to fail.
        var discoveryLog = Path.Combine(temp.Path, "discovery.strace");
        await ExpectSaved(StartTraced(strace, discoveryLog, inject: null, pathFilter: null, "save-once", root, "2", Text(ordinal)), 2, ordinal);
        var calls = ParseCalls(discoveryLog);
        Assert.False(
            calls.Exists(c => c.Name == "write" && c.Args.Contains(".tmp-", StringComparison.Ordinal)),
            $"the save wrote its temp file with write(2), not pwrite64; the matrix targets pwrite64. strace saw: {Describe(calls)}");
        var chosen = FindTarget(target, calls, runDirectory, step: ordinal + 1);
        Assert.True(chosen >= 0, $"the clean save made no {target} call; strace saw: {Describe(calls)}");
        var syscall = calls[chosen].Name;
        // The runtime's own openat calls vary from run to run, so for openat strace counts (-P) only
        // the calls on the run directory, which are the library's and deterministic.
        var pathFilter = target == "openat-temp" ? runDirectory : null;
        var when = calls.Take(chosen + 1).Count(c => c.Name == syscall && c.Thread == calls[chosen].Thread && (pathFilter is null || OnPath(c, pathFilter)));
        output.WriteLine($"injecting {errnoName} into {target} of save #{ordinal}: {syscall} #{when} on its thread: {calls[chosen]}");

        // The same sequence of saves again (steps ordinal+2 .. 2·ordinal+1): the last one fails.
        var firstStep = ordinal + 2;
        var failingStep = 2 * ordinal + 1;
        var injectLog = Path.Combine(temp.Path, "inject.strace");
        List<Call> injectedCalls;
        using (var failing = StartTraced(strace, injectLog, $"{syscall}:error={errnoName}:when={Text(when)}", pathFilter, "save-once", root, Text(firstStep), Text(ordinal)))
        {
            var exit = await failing.WaitForExitAsync();
            injectedCalls = ParseCalls(injectLog);
            var injected = injectedCalls.Where(c => c.Injected).ToList();
            Assert.True(injected.Count == 1, $"strace should have injected exactly one failure, it did {injected.Count}: {Describe(injected)}. {failing.Describe()}");
            Assert.True(IsTarget(target, injected[0], runDirectory, step: failingStep), $"the injected call was {injected[0]}, not the {target} call");
            Assert.Equal(Enumerable.Range(firstStep, ordinal - 1).Select(s => $"SAVED {Text(s)}"), failing.Lines.SkipLast(1));
            var report = failing.Lines.LastOrDefault() ?? string.Empty;
            output.WriteLine($"child: {report}");
            Assert.True(
                exit == StorageErrorExitCode && report.StartsWith($"STORAGE_ERROR errno={errno.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal),
                $"the save should fail with CheckpointStorageException ({errnoName}={errno}). {failing.Describe()}");
            Assert.Contains(ExpectedMessage(target), report, StringComparison.Ordinal);
        }

        AssertNoRetriedFsyncAndNoPublish(target, injectedCalls);

        var left = Directory.GetFiles(runDirectory).Select(Path.GetFileName).ToList();
        output.WriteLine($"run directory after the failed save: {string.Join(", ", left)}");
        var failedPrefix = $"checkpoint_step_{Text(failingStep)}_";
        Assert.DoesNotContain(left, f => f!.StartsWith(failedPrefix, StringComparison.Ordinal) && !f.Contains(".tmp-", StringComparison.Ordinal));

        // A fresh writer: at most one stray temp file before open, none after, the save before the failed one latest and intact.
        var after = RunCheck.Run(root);
        output.WriteLine($"check: {after}");
        Assert.True(after.TempBefore <= 1, $"at most one stray temp file may survive one failed save: {after}");
        Assert.Equal(new RunCheckResult(after.TempBefore, TempAfter: 0, LatestStep: failingStep - 1, Skipped: 0, Problem: null), after);
        Assert.DoesNotContain(Directory.GetFiles(runDirectory).Select(Path.GetFileName), f => f!.StartsWith(failedPrefix, StringComparison.Ordinal));
    }

    /// <summary>The index of <paramref name="target"/>'s call in the save of <paramref name="step"/>; the directory fsync is the first after that save's rename.</summary>
    private static int FindTarget(string target, List<Call> calls, string runDirectory, long step)
    {
        var start = 0;
        if (target == "fsync-directory")
        {
            start = calls.FindIndex(c => IsTarget("renameat2", c, runDirectory, step)) + 1;
            if (start == 0)
            {
                return -1;
            }
        }

        return calls.FindIndex(start, c => IsTarget(target, c, runDirectory, step));
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// 100 saves in one process, every fsync failing with EIO: each save fails with a storage error after one
    /// fsync of its temp file (never a second), the run never holds more than one stray temp file, and a
    /// fresh writer finds the previous checkpoint intact and no temp file.
    /// </summary>
    [Theory]
    [InlineData("EIO", 5)]
    [InlineData("ENOSPC", 28)]
    public async Task Save_HundredInjectedFailures_AtMostOneStrayTempFileThenCleanedOnOpen(string errnoName, int errno)
    {
        var strace = FindStraceOrSkip();
        if (strace is null)
        {
            return;
        }

        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        await ExpectSaved(ChildProcess.StartChild("save-once", root, "1"), 1);

        var log = Path.Combine(temp.Path, "hundred.strace");
        using (var failing = StartTraced(strace, log, $"fsync:error={errnoName}", pathFilter: null, "save-failing", root, "100"))
        {
            var exit = await failing.WaitForExitAsync();
            Assert.True(exit == 0 && failing.Lines.FirstOrDefault() is { } line && line.StartsWith("FAILED 100 SAVED 0 MAXTEMP ", StringComparison.Ordinal), $"all 100 saves should fail with a storage error. {failing.Describe()}");
            var maxTemp = int.Parse(failing.Lines[0]["FAILED 100 SAVED 0 MAXTEMP ".Length..], CultureInfo.InvariantCulture);
            Assert.True(maxTemp <= 1, $"at most one stray temp file may exist at any time; saw {maxTemp}");
        }

        var fsyncs = ParseCalls(log).Where(c => c.Name == "fsync" && TempPath().IsMatch(c.Args)).ToList();
        var perFile = fsyncs.GroupBy(c => TempPath().Match(c.Args).Value).ToList();
        Assert.Equal(100, perFile.Count);
        Assert.All(perFile, g => Assert.True(g.Count() == 1, $"{g.Key} was fsynced {g.Count()} times; a failed fsync must never be retried"));
        Assert.All(fsyncs, c => Assert.True(c.Injected, $"every temp-file fsync should have been failed with {errno}: {c}"));

        var after = RunCheck.Run(root);
        output.WriteLine($"check after 100 failed saves: {after}");
        Assert.True(after.TempBefore <= 1, $"at most one stray temp file may survive: {after}");
        Assert.Equal(new RunCheckResult(after.TempBefore, TempAfter: 0, LatestStep: 1, Skipped: 0, Problem: null), after);
    }

    /// <summary>True when <paramref name="call"/> is the <paramref name="target"/> call of the save of <paramref name="step"/>.</summary>
    private static bool IsTarget(string target, Call call, string runDirectory, long step)
    {
        var tempOfStep = $"checkpoint_step_{step.ToString(CultureInfo.InvariantCulture)}_";
        var onTemp = call.Args.Contains(tempOfStep, StringComparison.Ordinal) && call.Args.Contains(".tmp-", StringComparison.Ordinal);
        return target switch
        {
            "openat-temp" => call.Name == "openat" && onTemp && call.Args.Contains("O_CREAT|O_EXCL", StringComparison.Ordinal),
            "pwrite64-temp" => call.Name == "pwrite64" && onTemp,
            "fsync-temp" => call.Name == "fsync" && onTemp,
            "renameat2" => call.Name == "renameat2" && onTemp,
            "fsync-directory" => call.Name == "fsync" && call.Args.EndsWith($"<{runDirectory}>", StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
        };
    }

    private static string ExpectedMessage(string target) => target switch
    {
        "openat-temp" => "Could not create",
        "pwrite64-temp" => "Could not write",
        "fsync-temp" => "Could not fsync '",
        "renameat2" => "Could not rename into place",
        _ => "Could not fsync the directory",
    };

    /// <summary>
    /// After the injected failure: no fsync of the failed temp file again (same fd before it is
    /// closed, or same path at all), and no rename of a temp file whose data never reached disk.
    /// </summary>
    private static void AssertNoRetriedFsyncAndNoPublish(string target, List<Call> calls)
    {
        var failedAt = calls.FindIndex(c => c.Injected);
        var failed = calls[failedAt];
        var later = calls.Skip(failedAt + 1).ToList();
        var tempPath = TempPathIn(failed.Args);
        if (target == "fsync-temp")
        {
            var fd = FdOf(failed.Args);
            var untilClose = later.TakeWhile(c => !(c.Name == "close" && c.Thread == failed.Thread && FdOf(c.Args) == fd)).ToList();
            Assert.DoesNotContain(untilClose, c => c.Name is "fsync" or "fdatasync" && FdOf(c.Args) == fd);
            Assert.True(
                tempPath is not null && !later.Exists(c => c.Name is "fsync" or "fdatasync" && c.Args.Contains(tempPath, StringComparison.Ordinal)),
                $"after the fsync of {tempPath} failed, the library fsynced it again: {Describe(later)}");
        }

        if (target is "openat-temp" or "pwrite64-temp" or "fsync-temp")
        {
            Assert.False(
                later.Exists(c => c.Name == "renameat2"),
                $"after a failed {target} the temp file must never be renamed into place: {Describe(later)}");
        }
    }

    /// <summary>What strace -P PATH matches for an openat: the path argument is PATH, or the directory fd is PATH.</summary>
    private static bool OnPath(Call call, string path) =>
        Regex.IsMatch(call.Args, $@"^\d+<{Regex.Escape(path)}>,") || call.Args.Contains($", \"{path}\",", StringComparison.Ordinal);

    private static string? TempPathIn(string args)
    {
        var match = TempPath().Match(args);
        return match.Success ? match.Value : null;
    }

    private static string FdOf(string args)
    {
        var end = args.IndexOfAny(['<', ',']);
        return end < 0 ? args : args[..end];
    }

    private static async Task ExpectSaved(ChildProcess child, long step, int count = 1)
    {
        using (child)
        {
            var exit = await child.WaitForExitAsync();
            var expected = Enumerable.Range((int)step, count).Select(s => $"SAVED {Text(s)}");
            Assert.True(exit == 0 && child.Lines.SequenceEqual(expected), $"saving steps {step}..{step + count - 1} should succeed. {child.Describe()}");
        }
    }

    private static ChildProcess StartTraced(string strace, string log, string? inject, string? pathFilter, params string[] childArgs)
    {
        List<string> args = ["-f", "-qq", "-y", "-o", log, "-e", "trace=" + TracedCalls];
        if (pathFilter is not null)
        {
            args.AddRange(["-P", pathFilter]);
        }

        if (inject is not null)
        {
            args.AddRange(["-e", "inject=" + inject]);
        }

        args.AddRange([ChildHost.Dotnet, ChildHost.ChildDll, .. childArgs]);
        return ChildProcess.Start(strace, args);
    }

    /// <summary>The calls of a strace log (a call split by another thread's is joined back).</summary>
    private static List<Call> ParseCalls(string log) =>
        StraceLog.Lines(log)
            .Select(line => CallLine().Match(line))
            .Where(m => m.Success)
            .Select(m => new Call(
                int.Parse(m.Groups["tid"].ValueSpan, CultureInfo.InvariantCulture),
                m.Groups["name"].Value,
                m.Groups["args"].Value,
                m.Groups["rest"].Value.Contains("(INJECTED)", StringComparison.Ordinal)))
            .ToList();

    private static string Describe(IEnumerable<Call> calls) =>
        string.Join(" | ", calls.Where(c => c.Args.Contains(LoopState.ProcessType, StringComparison.Ordinal)));

    private string? FindStraceOrSkip()
    {
        var strace = ChildHost.FindOnPath("strace");
        if (strace is not null)
        {
            return strace;
        }

        Assert.False(TestSettings.InCi, "strace is not installed; CI must install it (apt-get install -y strace) so the injected error paths are tested.");
        output.WriteLine("SKIPPED: strace is not on PATH (install it with apt-get install -y strace; with CI=true this is a failure).");
        return null;
    }

    [GeneratedRegex(@"^(?<tid>\d+)\s+(?<name>\w+)\((?<args>.*)\)\s+=\s+(?<rest>(-?\d|\?).*)$")]
    private static partial Regex CallLine();

    [GeneratedRegex(@"/[^<>]*\.tmp-[^<>\s""]*")]
    private static partial Regex TempPath();

    private sealed record Call(int Thread, string Name, string Args, bool Injected)
    {
        public override string ToString() => $"[{Thread}] {Name}({(Args.Length > 160 ? Args[..160] + "…" : Args)}){(Injected ? " (INJECTED)" : string.Empty)}";
    }
}
