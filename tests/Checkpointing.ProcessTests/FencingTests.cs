using System.Globalization;
using System.Text;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Fencing with real processes and real signals: a writer paused with SIGSTOP whose run is taken over
/// publishes nothing when it resumes, and two processes publishing the same file name never both win.
/// </summary>
public sealed class FencingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Takeover_OfAPausedWriter_ItsNextSavesAreFencedAndOverwriteNothing()
    {
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        using var a = ChildProcess.StartChild("fence-writer", root);
        await Expect(a, "OPEN latest=0");
        await Command(a, "save 1", "SAVED 1 gen=1");
        await Command(a, "save 2", "SAVED 2 gen=1");

        a.Signal("STOP");
        using var b = ChildProcess.StartChild("fence-writer", root, "--take-over");
        await Expect(b, "OPEN latest=2");
        await Command(b, "save 3", "SAVED 3 gen=2");
        var before = RunFiles(root);

        a.Signal("CONT");
        await Command(a, "save 3", "FENCED current=2 mine=1");
        await Command(a, "save 4", "FENCED current=2 mine=1");
        Assert.Equal(before, RunFiles(root));

        await Command(b, "save 4", "SAVED 4 gen=2");
        a.WriteLine("exit");
        b.WriteLine("exit");
        Assert.True(await a.WaitForExitAsync() == 0, a.Describe());
        Assert.True(await b.WaitForExitAsync() == 0, b.Describe());

        using var reader = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, ReadOnly(root));
        var latest = reader.LoadLatest<LoopState>()!;
        Assert.Equal(4, latest.Metadata.Step);
        Assert.Equal(2, latest.Metadata.WriterGeneration);
        Assert.Null(latest.State.Problem(4));
        Assert.Empty(latest.Skipped);
        Assert.DoesNotContain(Directory.EnumerateFiles(RunDirectory(root)), f => f.Contains(".tmp-", StringComparison.Ordinal));
        using var next = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        Assert.Equal(3, next.Save(LoopState.Create(5, 16), 5).WriterGeneration);
    }

    [Fact]
    public async Task Takeover_OfAWriterPausedAtARandomInstant_NeverLosesAnAcknowledgedSaveAndItsLatePublishIsNeverLatest()
    {
        var rounds = TestSettings.Scale(12);
        var seed = TestSettings.Seed();
        output.WriteLine($"seed {seed} (CKPT_TEST_SEED={seed} replays it)");
        var random = new Random(seed);
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        var latePublishes = 0;
        var inFlightSaves = 0;
        for (var round = 0; round < rounds; round++)
        {
            var context = $"round {round} (seed {seed})";
            using var a = ChildProcess.StartChild("fence-loop", root);
            var opened = await a.ReadLineAsync();
            Assert.True(opened?.StartsWith("OPEN ", StringComparison.Ordinal) == true, $"{context}: {a.Describe()}");
            await Task.Delay(random.Next(20, 250));
            a.Signal("STOP");
            await Task.Delay(50); // let the lines already written reach us
            var acked = LastSaved(a.Lines);

            using var b = ChildProcess.StartChild("fence-writer", root, "--take-over");
            var open = await b.ReadLineAsync() ?? string.Empty;
            var resumedAt = long.Parse(open["OPEN latest=".Length..], CultureInfo.InvariantCulture);
            Assert.True(resumedAt >= acked, $"{context}: the taker resumed at {resumedAt}, below A's last acknowledged save {acked}.");
            var bGeneration = 0L;
            for (var step = resumedAt + 1; step <= resumedAt + 2; step++)
            {
                b.WriteLine($"save {step}");
                var saved = await b.ReadLineAsync() ?? string.Empty;
                Assert.True(saved.StartsWith($"SAVED {step} gen=", StringComparison.Ordinal), $"{context}: {b.Describe()}");
                bGeneration = long.Parse(saved[(saved.IndexOf("gen=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture);
            }

            // B's files: not the temp file of a save A had in flight, which B's open left to A (a live process) and A removes
            // itself when that save fails fenced (the check for leftover temp files below).
            var bFiles = RunFiles(root).Where(f => !f.Key.Contains(".tmp-", StringComparison.Ordinal)).ToList();
            var linesBeforeResume = a.Lines.Count;
            a.Signal("CONT");
            Assert.True(await a.WaitForExitAsync() == FencingModes.FencedExitCode, $"{context}: A must stop at a fenced save. {a.Describe()}");
            var after = a.Lines.Skip(linesBeforeResume).ToList();
            Assert.StartsWith("FENCED ", after[^1], StringComparison.Ordinal);
            Assert.True(after.Count <= 2, $"{context}: A saved more than its one save in flight after it resumed: {string.Join(" | ", after)}");
            inFlightSaves += after.Count - 1;

            // Nothing B wrote was changed by A.
            foreach (var (name, bytes) in bFiles)
            {
                var now = RunFiles(root);
                Assert.True(now.TryGetValue(name, out var current) && current == bytes, $"{context}: '{name}' changed or vanished after A resumed.");
            }

            b.WriteLine($"save {resumedAt + 3}");
            Assert.Equal($"SAVED {resumedAt + 3} gen={bGeneration}", await b.ReadLineAsync());
            b.WriteLine("exit");
            Assert.True(await b.WaitForExitAsync() == 0, $"{context}: {b.Describe()}");

            using var reader = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, ReadOnly(root));
            var latest = reader.LoadLatest<LoopState>()!;
            Assert.True(latest.Metadata.Step == resumedAt + 3 && latest.Metadata.WriterGeneration == bGeneration, $"{context}: latest is step {latest.Metadata.Step} gen {latest.Metadata.WriterGeneration}, expected B's step {resumedAt + 3} gen {bGeneration}.");
            Assert.Null(latest.State.Problem(latest.Metadata.Step));
            foreach (var skipped in latest.Skipped)
            {
                Assert.Contains("published late", skipped.Reason, StringComparison.Ordinal);
                latePublishes++;
            }

            Assert.DoesNotContain(Directory.EnumerateFiles(RunDirectory(root)), f => f.Contains(".tmp-", StringComparison.Ordinal));

            // The next round's writer resumes from B's newest, and sets aside a late publish for good.
            using var tidy = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
            Assert.Equal(resumedAt + 3, tidy.LoadLatest<LoopState>()!.Metadata.Step);
        }

        output.WriteLine($"{rounds} takeovers of a writer paused at a random instant: every acknowledged save kept, the taker's files untouched, " +
            $"{inFlightSaves} save(s) in flight completed after resuming, {latePublishes} late publish(es) skipped by readers.");
    }

    [Fact]
    public async Task Publish_TwoProcessesRaceForOneName_ExactlyOneWinsAndItsBytesStay()
    {
        var rounds = TestSettings.Scale(100);
        using var temp = new TempRoot();
        var directory = temp.NewRoot("race");
        Directory.CreateDirectory(directory);
        using var a = ChildProcess.StartChild("publish-race", directory);
        using var b = ChildProcess.StartChild("publish-race", directory);
        var wins = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        for (var round = 0; round < rounds; round++)
        {
            var name = $"checkpoint_step_{round}_20261129_210000.ckpt";
            a.WriteLine($"{name} a{round}");
            b.WriteLine($"{name} b{round}");
            await Expect(a, "READY");
            await Expect(b, "READY");
            var (first, second) = round % 2 == 0 ? (a, b) : (b, a);
            first.WriteLine("go");
            second.WriteLine("go");
            var lineA = await a.ReadLineAsync() ?? string.Empty;
            var lineB = await b.ReadLineAsync() ?? string.Empty;

            var context = $"round {round}: A said '{lineA}', B said '{lineB}'";
            Assert.True((lineA == "WON") ^ (lineB == "WON"), $"{context}: exactly one publish must win.");
            var (winner, loserLine) = lineA == "WON" ? ("a", lineB) : ("b", lineA);
            Assert.StartsWith("LOST errno=17 ", loserLine, StringComparison.Ordinal);
            Assert.Equal(string.Concat(Enumerable.Repeat($"{winner}{round}", 4096)), File.ReadAllText(Path.Combine(directory, name), Encoding.UTF8));
            wins[winner]++;
        }

        a.WriteLine("exit");
        b.WriteLine("exit");
        Assert.True(await a.WaitForExitAsync() == 0, a.Describe());
        Assert.True(await b.WaitForExitAsync() == 0, b.Describe());
        Assert.Equal(rounds, Directory.GetFiles(directory).Length);
        output.WriteLine($"{rounds} publish races for one name: exactly one winner each time (A {wins["a"]}, B {wins["b"]}), the loser got EEXIST, the winner's bytes stayed, no temp file left.");
    }

    private static CheckpointOptions ReadOnly(string root)
    {
        var options = RunCheck.Options(root);
        options.ReadOnly = true;
        return options;
    }

    private static string RunDirectory(string root) => Path.Combine(root, LoopState.ProcessType, LoopState.RunName);

    /// <summary>Every file of the run but the lock file, with its bytes.</summary>
    private static SortedDictionary<string, string> RunFiles(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(RunDirectory(root), "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(path) != "writer.lock")
            {
                files[Path.GetRelativePath(root, path)] = Convert.ToHexString(File.ReadAllBytes(path));
            }
        }

        return files;
    }

    private static long LastSaved(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].StartsWith("SAVED ", StringComparison.Ordinal))
            {
                return long.Parse(lines[i].Split(' ')[1], CultureInfo.InvariantCulture);
            }

            if (lines[i].StartsWith("OPEN latest=", StringComparison.Ordinal))
            {
                return long.Parse(lines[i]["OPEN latest=".Length..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static async Task Command(ChildProcess child, string command, string expected)
    {
        child.WriteLine(command);
        await Expect(child, expected);
    }

    private static async Task Expect(ChildProcess child, string expected)
    {
        var line = await child.ReadLineAsync();
        Assert.True(line == expected, $"expected '{expected}', got '{line}': {child.Describe()}");
    }
}
