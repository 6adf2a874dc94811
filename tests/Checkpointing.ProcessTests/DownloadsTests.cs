using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The Downloads example as real processes: its own local HTTP server, a durable work list, Range
/// resumes validated by If-Range. Killed with <c>kill -9</c> at random moments and restarted until
/// it completes, it must never lose a series it acknowledged (<c>ACK</c>, printed after the
/// completion is durable), never download one again, never report one done that it did not finish,
/// and end with a <c>--results</c> file byte-identical to an uninterrupted run's. Injected server
/// failures are retried; SIGINT exits 130 and the partial files are resumed; a partial file whose
/// server copy changed is started again from zero.
/// </summary>
public sealed class DownloadsTests(ITestOutputHelper output)
{
    private const int Series = 40;
    private const int MaxKiB = 256;
    private const int Workers = 3;
    private const int Kills = 100;
    private const int KillsPerRun = 25;
    private const int SigKillExit = 137;
    private const int SigIntExit = 130;

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "Downloads.dll");

    [Fact]
    public async Task Download_KilledAtRandomMomentsAndRestarted_NoAcknowledgedSeriesLostOrRedownloadedAndResultsEqualUninterrupted()
    {
        var kills = TestSettings.Scale(Kills);
        var (seed, rng, exampleSeed) = Seeds();
        using var temp = new TempRoot();
        var expected = await Uninterrupted(temp, "baseline", exampleSeed, revision: 1);

        var runs = 0;
        var sessions = 0;
        var rangeResumes = 0;
        var reconciled = 0;
        var killsInsideDownloads = 0;
        for (var kill = 0; kill < kills; runs++)
        {
            var root = temp.NewRoot($"run{runs}");
            var results = Path.Combine(temp.Path, $"run{runs}.json");
            var acked = new HashSet<string>(StringComparer.Ordinal);
            var started = new HashSet<string>(StringComparer.Ordinal);
            for (var killsThisRun = 0; ;)
            {
                sessions++;
                var context = $"seed {seed}, run {runs}, session {sessions}, kill #{kill}";
                using var child = Start(Args(root, exampleSeed, "--results", results));
                var killIt = killsThisRun < KillsPerRun && kill < kills;
                if (killIt)
                {
                    killIt = await KillAtRandomMoment(child, rng, context);
                }

                var exit = await child.WaitForExitAsync();
                var session = Transcript.Parse(child.Lines, expected.Sha256);
                CheckSession(session, acked, started, context, child);
                rangeResumes += session.Resumes.Count;
                reconciled += session.Reconciled.Count;
                acked.UnionWith(session.Acks);
                started.UnionWith(session.Fetched);
                started.UnionWith(session.Reconciled);
                CheckFiles(root, acked, expected, context);

                if (killIt && exit != 0)
                {
                    Assert.True(exit == SigKillExit, $"{context}: the child should have died by SIGKILL (exit 137). {child.Describe()}");
                    kill++;
                    killsThisRun++;
                    if (session.Fetched.Count > 0)
                    {
                        killsInsideDownloads++;
                    }

                    continue;
                }

                Assert.True(exit == 0, $"{context}: the last session should complete. {child.Describe()}");
                Assert.True(File.Exists(results), $"{context}: no results file. {child.Describe()}");
                Assert.True(expected.Json == File.ReadAllText(results), $"{context}: the results differ from the uninterrupted run's.\nexpected:\n{expected.Json}\nactual:\n{File.ReadAllText(results)}");
                break;
            }
        }

        output.WriteLine($"seed {seed}: {kills} kills over {runs} runs and {sessions} sessions; {killsInsideDownloads} kills came after downloading had begun; " +
            $"{rangeResumes} partial files resumed with Range requests, {reconciled} complete files verified instead of downloaded; every run's results equal the uninterrupted run's.");
        Assert.True(rangeResumes > 0, $"seed {seed}: no kill left a partial file that was resumed, so this run did not test Range resumes.");
    }

    [Fact]
    public async Task Download_ServerFailsRequests_RetriesWithBackoffAndResultsEqualUninterrupted()
    {
        var (seed, _, exampleSeed) = Seeds();
        using var temp = new TempRoot();
        var expected = await Uninterrupted(temp, "baseline", exampleSeed, revision: 1);

        var results = Path.Combine(temp.Path, "failing.json");
        using var child = Start(Args(temp.NewRoot("failing"), exampleSeed, "--bandwidth", "0", "--fail-rate", "0.3", "--results", results));
        var exit = await child.WaitForExitAsync();
        var context = $"seed {seed}";
        Assert.True(exit == 0, $"{context}: the run should complete despite the failures. {child.Describe()}");
        var session = Transcript.Parse(child.Lines, expected.Sha256);
        var serverErrors = session.Retries.Count(r => r == "ServerError");
        var cuts = session.Retries.Count(r => r == "ConnectionCut");
        output.WriteLine($"{context}: {session.Retries.Count} retries ({serverErrors} after HTTP 500, {cuts} after a cut connection), {session.Resumes.Count} resumed with a Range request.");
        Assert.True(serverErrors > 0 && cuts > 0, $"{context}: expected retries after both kinds of injected failure. {child.Describe()}");
        Assert.True(session.Resumes.Count > 0, $"{context}: no download cut mid-body was resumed with a Range request. {child.Describe()}");
        Assert.True(session.Acks.Count == Series && session.Acks.Distinct().Count() == Series, $"{context}: every series should be acknowledged exactly once. {child.Describe()}");
        Assert.Contains(child.Lines, l => l.StartsWith("  retry ", StringComparison.Ordinal) && l.Contains("HTTP 500", StringComparison.Ordinal));
        Assert.Equal(expected.Json, File.ReadAllText(results));
    }

    [Fact]
    public async Task Download_SigInt_Exits130KeepingPartialFilesAndNextRunResumesThemWithRange()
    {
        var (seed, _, exampleSeed) = Seeds();
        using var temp = new TempRoot();
        var expected = await Uninterrupted(temp, "baseline", exampleSeed, revision: 1);
        var root = temp.NewRoot("interrupted");
        var results = Path.Combine(temp.Path, "interrupted.json");
        var context = $"seed {seed}";

        using var first = Start(Args(root, exampleSeed, "--bandwidth", "128", "--results", results));
        await WaitForPartialFiles(first, root, 2, context);
        first.Signal("INT");
        var exit = await first.WaitForExitAsync();
        Assert.True(exit == SigIntExit, $"{context}: expected exit 130 after SIGINT. {first.Describe()}");
        Assert.Contains("INTERRUPTED (SIGINT)", first.Lines);
        var firstSession = Transcript.Parse(first.Lines, expected.Sha256);
        var partials = PartialFiles(root);
        Assert.True(partials.Count >= 1, $"{context}: the abandoned downloads should leave their partial files. {first.Describe()}");
        CheckFiles(root, firstSession.Acks.ToHashSet(StringComparer.Ordinal), expected, context);

        using var second = Start(Args(root, exampleSeed, "--bandwidth", "0", "--results", results));
        exit = await second.WaitForExitAsync();
        Assert.True(exit == 0, $"{context}: the resumed run should complete. {second.Describe()}");
        var secondSession = Transcript.Parse(second.Lines, expected.Sha256);
        CheckSession(secondSession, firstSession.Acks.ToHashSet(StringComparer.Ordinal), firstSession.Fetched.ToHashSet(StringComparer.Ordinal), context, second);
        foreach (var (key, length) in partials)
        {
            Assert.True(secondSession.Resumes.Contains((key, length)), $"{context}: the partial file of {key} ({length} bytes) should have been resumed from byte {length}. {second.Describe()}");
        }

        Assert.Contains(second.Lines, l => l.StartsWith("  Partial downloads resumed with a Range request: ", StringComparison.Ordinal) && !l.Contains(": 0 (", StringComparison.Ordinal));
        Assert.Equal(expected.Json, File.ReadAllText(results));
        output.WriteLine($"{context}: SIGINT after {firstSession.Acks.Count} series left {partials.Count} partial files; all were resumed with Range requests. Summary of the resumed run:");
        foreach (var line in second.Lines.SkipWhile(l => l != "COMPLETED"))
        {
            output.WriteLine("  " + line);
        }
    }

    [Fact]
    public async Task Download_ServerCopyChangedWhilePartial_RestartsThoseFilesFromZeroAndKeepsFinishedOnes()
    {
        var (seed, _, exampleSeed) = Seeds();
        using var temp = new TempRoot();
        var revision1 = await Uninterrupted(temp, "revision1", exampleSeed, revision: 1);
        var revision2 = await Uninterrupted(temp, "revision2", exampleSeed, revision: 2);
        var root = temp.NewRoot("revised");
        var results = Path.Combine(temp.Path, "revised.json");
        var context = $"seed {seed}";

        using var first = Start(Args(root, exampleSeed, "--bandwidth", "128"));
        await WaitForPartialFiles(first, root, 2, context);
        first.Signal("INT");
        Assert.True(await first.WaitForExitAsync() == SigIntExit, $"{context}: expected exit 130 after SIGINT. {first.Describe()}");
        var partials = PartialFiles(root);
        Assert.True(partials.Count >= 1, $"{context}: the abandoned downloads should leave their partial files. {first.Describe()}");

        using var second = Start(Args(root, exampleSeed, "--bandwidth", "0", "--data-revision", "2", "--results", results));
        Assert.True(await second.WaitForExitAsync() == 0, $"{context}: the run should complete. {second.Describe()}");
        var session = Transcript.Parse(second.Lines, revision2.Sha256);
        foreach (var (key, length) in partials)
        {
            Assert.True(session.Restarts.Contains((key, length)), $"{context}: {key}'s partial file ({length} bytes, revision 1) should have been restarted from zero. {second.Describe()}");
            Assert.DoesNotContain(session.Resumes, r => r.Key == key);
        }

        Assert.Empty(session.Resumes);
        var done = session.AlreadyDone ?? [];
        Assert.NotEmpty(done);
        using var actual = JsonDocument.Parse(File.ReadAllText(results));
        foreach (var file in actual.RootElement.GetProperty("files").EnumerateArray())
        {
            var key = file.GetProperty("series").GetString()!;
            var (expected, which) = done.Contains(key) ? (revision1.Sha256[key], "revision 1 (finished before the change)") : (revision2.Sha256[key], "revision 2");
            Assert.True(file.GetProperty("sha256").GetString() == expected, $"{context}: {key} should hold {which}.");
        }

        output.WriteLine($"{context}: {done.Count} series finished under revision 1 were kept; {partials.Count} partial files of revision 1 were restarted from zero under revision 2.");
    }

    private static (int Seed, Random Rng, ulong ExampleSeed) Seeds()
    {
        var seed = TestSettings.Seed();
        var rng = new Random(seed);
        return (seed, rng, (ulong)rng.Next(1, 1_000_000));
    }

    private static string[] Args(string root, ulong exampleSeed, params string[] extra) =>
    [
        "--checkpoint-dir", root, "--seed", exampleSeed.ToString(CultureInfo.InvariantCulture),
        "--series", Text(Series), "--max-kb", Text(MaxKiB), "--workers", Text(Workers), "--bandwidth", "1024", "--yes", "--ack",
        .. extra,
    ];

    private static ChildProcess Start(string[] args) => ChildProcess.Start(ChildHost.Dotnet, [Dll, .. args]);

    /// <summary>Runs the example once without a stop; checks its files against its results.</summary>
    private async Task<Baseline> Uninterrupted(TempRoot temp, string name, ulong exampleSeed, int revision)
    {
        var root = temp.NewRoot(name);
        var results = Path.Combine(temp.Path, name + ".json");
        using var child = Start(Args(root, exampleSeed, "--bandwidth", "0", "--data-revision", Text(revision), "--results", results));
        var exit = await child.WaitForExitAsync();
        Assert.True(exit == 0, $"the uninterrupted run should complete. {child.Describe()}");
        var json = File.ReadAllText(results);
        using var document = JsonDocument.Parse(json);
        var sha = document.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("series").GetString()!, f => f.GetProperty("sha256").GetString()!, StringComparer.Ordinal);
        Assert.Equal(Series, sha.Count);
        var baseline = new Baseline(json, sha);
        CheckFiles(root, sha.Keys.ToHashSet(StringComparer.Ordinal), baseline, $"uninterrupted run '{name}'");
        output.WriteLine($"{name}: {Series} series, {document.RootElement.GetProperty("totalBytes").GetInt64():N0} bytes");
        return baseline;
    }

    /// <summary>
    /// Kills the child at a random moment: during start-up and recovery, right after an
    /// acknowledgement, or in the middle of a download. Returns false if the child finished first.
    /// </summary>
    private static async Task<bool> KillAtRandomMoment(ChildProcess child, Random rng, string context)
    {
        var mode = rng.Next(3);
        if (mode == 0)
        {
            // Start-up: the runtime, opening and recovering the work list, starting the server.
            await Task.Delay(rng.Next(0, 500));
        }
        else
        {
            // Right after the n-th acknowledgement, or some time into the n-th download.
            var (prefix, count) = mode == 1 ? ("ACK ", rng.Next(1, 4)) : ("FETCH ", rng.Next(1, 6));
            while (count > 0)
            {
                var line = await child.ReadLineAsync();
                if (line is null)
                {
                    return false;
                }

                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    count--;
                }
            }

            await Task.Delay(mode == 1 ? rng.Next(0, 3) : rng.Next(0, 150));
        }

        if (child.HasExited)
        {
            return false;
        }

        try
        {
            child.Kill();
        }
        catch (InvalidOperationException)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// One session against what earlier sessions of the run did: every series they acknowledged is
    /// reported done, nothing is reported done that was never started, nothing done is fetched
    /// again, and no series is acknowledged twice.
    /// </summary>
    private static void CheckSession(Transcript session, HashSet<string> ackedBefore, HashSet<string> startedBefore, string context, ChildProcess child)
    {
        if (session.AlreadyDone is { } done)
        {
            var lost = ackedBefore.Where(k => !done.Contains(k)).ToList();
            Assert.True(lost.Count == 0, $"{context}: acknowledged series not reported done after the restart: {string.Join(", ", lost)}. {child.Describe()}");
            var invented = done.Where(k => !startedBefore.Contains(k)).ToList();
            Assert.True(invented.Count == 0, $"{context}: series reported done that no earlier session started: {string.Join(", ", invented)}. {child.Describe()}");
            var again = session.Fetched.Concat(session.Acks).Where(done.Contains).Distinct().ToList();
            Assert.True(again.Count == 0, $"{context}: series already done were downloaded again: {string.Join(", ", again)}. {child.Describe()}");
        }
        else
        {
            Assert.True(session.Fetched.Count == 0 && session.Acks.Count == 0, $"{context}: downloads began before the work list was read. {child.Describe()}");
        }

        var twice = session.Acks.Where(ackedBefore.Contains).Concat(session.Acks.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key)).ToList();
        Assert.True(twice.Count == 0, $"{context}: series acknowledged twice: {string.Join(", ", twice)}. {child.Describe()}");
    }

    /// <summary>Every acknowledged series' file is in place with the content of the uninterrupted run.</summary>
    private static void CheckFiles(string root, IReadOnlySet<string> acked, Baseline expected, string context)
    {
        foreach (var key in acked)
        {
            var path = FilePath(root, key);
            Assert.True(File.Exists(path), $"{context}: {key} was acknowledged but {path} is missing.");
            using var file = File.OpenRead(path);
            var sha = Convert.ToHexStringLower(SHA256.HashData(file));
            Assert.True(sha == expected.Sha256[key], $"{context}: {key} was acknowledged but its file does not hold the expected content.");
        }
    }

    /// <summary>Waits for the first acknowledged series, then until <paramref name="count"/> resumable partial files exist at once.</summary>
    private static async Task WaitForPartialFiles(ChildProcess child, string root, int count, string context)
    {
        string? line;
        do
        {
            line = await child.ReadLineAsync();
            Assert.True(line is not null, $"{context}: the child ended before acknowledging a series. {child.Describe()}");
        }
        while (!line.StartsWith("ACK ", StringComparison.Ordinal));

        var guard = Stopwatch.StartNew();
        while (PartialFiles(root).Count < count)
        {
            Assert.False(child.HasExited, $"{context}: the child exited before {count} partial files existed. {child.Describe()}");
            Assert.True(guard.Elapsed < TimeSpan.FromMinutes(1), $"{context}: never saw {count} partial files at once. {child.Describe()}");
            await Task.Delay(5);
        }
    }

    /// <summary>The partial files that can be resumed: non-empty, with the ETag they were downloaded under.</summary>
    private static Dictionary<string, long> PartialFiles(string root)
    {
        var directory = Path.Combine(root, "download", "series", "files");
        var partials = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return partials;
        }

        foreach (var part in Directory.GetFiles(directory, "*.csv.part"))
        {
            var key = Path.GetFileName(part)[..^".csv.part".Length];
            var length = new FileInfo(part).Length;
            if (length > 0 && File.Exists(Path.ChangeExtension(part, ".etag")))
            {
                partials[key] = length;
            }
        }

        return partials;
    }

    private static string FilePath(string root, string key) => Path.Combine(root, "download", "series", "files", key + ".csv");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Baseline(string Json, IReadOnlyDictionary<string, string> Sha256);

    /// <summary>
    /// The machine-readable lines (<c>--ack</c>) of one session. A line cut short by <c>kill -9</c>
    /// is left out: an ALREADY_DONE line whose count does not match, or a line naming no known series.
    /// </summary>
    private sealed record Transcript(
        HashSet<string>? AlreadyDone,
        List<string> Acks,
        List<string> Fetched,
        List<(string Key, long Offset)> Resumes,
        List<(string Key, long Offset)> Restarts,
        List<string> Reconciled,
        List<string> Retries)
    {
        public static Transcript Parse(IReadOnlyList<string> lines, IReadOnlyDictionary<string, string> series)
        {
            var transcript = new Transcript(null, [], [], [], [], [], []);
            HashSet<string>? done = null;
            foreach (var line in lines)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2)
                {
                    continue;
                }

                if (parts[0] == "ALREADY_DONE")
                {
                    if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count == parts.Length - 2 && parts.Skip(2).All(series.ContainsKey))
                    {
                        done = new HashSet<string>(parts.Skip(2), StringComparer.Ordinal);
                    }

                    continue;
                }

                var key = parts[1];
                if (!series.ContainsKey(key))
                {
                    continue;
                }

                switch (parts[0])
                {
                    case "ACK":
                        transcript.Acks.Add(key);
                        break;
                    case "FETCH":
                        transcript.Fetched.Add(key);
                        break;
                    case "RESUME" when parts.Length == 3:
                        transcript.Resumes.Add((key, long.Parse(parts[2], CultureInfo.InvariantCulture)));
                        break;
                    case "RESTART" when parts.Length == 3:
                        transcript.Restarts.Add((key, long.Parse(parts[2], CultureInfo.InvariantCulture)));
                        break;
                    case "RECONCILED":
                        transcript.Reconciled.Add(key);
                        break;
                    case "RETRY" when parts.Length == 4:
                        transcript.Retries.Add(parts[3]);
                        break;
                }
            }

            return transcript with { AlreadyDone = done };
        }
    }
}
