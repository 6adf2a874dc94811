using System.Diagnostics;
using System.Globalization;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Promises 1 and 2 against power cuts on real file systems. A child saves in a loop on an ext4, xfs or
/// btrfs image and prints each step once Save returned; at a random instant it is stopped (SIGSTOP), the
/// image file is copied (a power-cut image: what the file system had sent to its disk), the child is
/// killed and the next one resumes on the live file system. Meanwhile the copy is mounted (replaying its
/// journal, as a reboot does) and loaded: every image must hold a valid checkpoint, byte for byte, at
/// least as new as the last step acknowledged before the stop. The same harness run against the child
/// with the run directory's fsync switched off must lose an acknowledged save.
/// </summary>
public sealed class CrashImageTests(ITestOutputHelper output)
{
    private const int Images = 100;

    /// <summary>The fault variant stops at its first lost save; this many images without one is a failure.</summary>
    private const int FaultImages = 100;

    private const int SmallPayload = 1024;

    /// <summary>A save that takes a few milliseconds to write, so stops land inside the write too.</summary>
    private const int LargePayload = 384 * 1024;

    [Theory]
    [InlineData("ext4")]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public async Task SaveLoop_StoppedAndImagedAtRandomInstants_EveryImageLoadsValidCheckpointNoOlderThanLastAcknowledged(string fileSystem)
    {
        if (!Available(fileSystem))
        {
            return;
        }

        var seed = TestSettings.Seed();
        var images = TestSettings.Scale(Images);
        var tally = await RunImages(fileSystem, seed, images, noDirectoryFsync: false);

        output.WriteLine(tally.Summary(fileSystem, seed));
        Assert.True(tally.Loaded + tally.Empty == images, $"{fileSystem}, seed {seed}: {images} images, {tally.Loaded} loaded, {tally.Empty} had nothing to load yet.");
        Assert.True(tally.Equal + tally.Newer == tally.Loaded, $"{fileSystem}, seed {seed}: some image loaded a checkpoint older than the last acknowledged one ({tally.Summary(fileSystem, seed)}).");
        Assert.True(tally.Loaded >= images * 9 / 10, $"{fileSystem}, seed {seed}: only {tally.Loaded} of {images} images held a checkpoint, so this run did not test what it should.");
        Assert.True(tally.MidWrite > 0, $"{fileSystem}, seed {seed}: no image caught a save mid-write (temp file in the image), so this run did not test what it should.");
    }

    [Theory]
    [InlineData("ext4")]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public async Task SaveLoopWithoutDirectoryFsync_StoppedAndImagedAtRandomInstants_SomeImageLosesAcknowledgedSave(string fileSystem)
    {
        if (!Available(fileSystem))
        {
            return;
        }

        var seed = TestSettings.Seed();
        var tally = await RunImages(fileSystem, seed, FaultImages, noDirectoryFsync: true);

        output.WriteLine(tally.Summary(fileSystem + " without directory fsync", seed));
        Assert.True(tally.Lost > 0, $"{fileSystem}, seed {seed}: {tally.Images} crash images of a child that never fsyncs the run directory all held the last acknowledged save; the harness cannot see a missing directory fsync. {tally.Summary(fileSystem, seed)}");
    }

    private async Task<Tally> RunImages(string fileSystem, int seed, int images, bool noDirectoryFsync)
    {
        output.WriteLine($"{fileSystem}: seed {seed} (set CKPT_TEST_SEED={seed} to replay), {images} images{(noDirectoryFsync ? ", child without directory fsync" : string.Empty)}");
        var rng = new Random(seed);
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var scratch = LoopImage.ScratchDirectory();
        Task<ImageCheck>? pending = null;
        try
        {
            using var image = LoopImage.Create(fileSystem, scratch);
            var root = Path.Combine(image.MountPoint, "ckpt");
            long? acked = null, seen = null;
            for (var i = 0; i < images; i++)
            {
                var payload = rng.Next(3) == 0 ? LargePayload : SmallPayload;
                var fromStart = rng.Next(8) == 0;
                var delayMs = rng.Next(20, 301);
                var context = $"{fileSystem}, seed {seed}, image #{i} (payload {payload}, stopped {delayMs} ms after {(fromStart ? "start" : "its first line")})";
                var copyPath = Path.Combine(scratch, $"copy{i % 2}.img");
                var childArgs = new List<string> { "save-loop", root, payload.ToString(CultureInfo.InvariantCulture) };
                if (noDirectoryFsync)
                {
                    childArgs.Add("--no-dir-fsync");
                }

                Transcript transcript;
                var phase = Stopwatch.StartNew();
                using (var child = ChildProcess.StartChild([.. childArgs]))
                {
                    if (!fromStart)
                    {
                        Assert.True(await child.ReadLineAsync() is not null, $"{context}: the child ended before resuming. {child.Describe()}");
                        tally.StartupTime += phase.Elapsed;
                    }

                    await Task.Delay(delayMs);
                    Assert.True(Command.Stop(child.Id), $"{context}: the child exited instead of stopping. {child.Describe()}");

                    // Only what the file system had submitted before the stop is in the copy; the pending check
                    // of the previous image runs meanwhile, in the other copy slot.
                    phase.Restart();
                    tally.CopyRetries += image.CopyCrashImage(copyPath);
                    tally.CopyTime += phase.Elapsed;
                    Command.Kill(child.Id);
                    var exit = await child.WaitForExitAsync();
                    Assert.True(exit == 137, $"{context}: the child should have died by SIGKILL (exit 137). {child.Describe()}");
                    transcript = ReadTranscript(child, acked, seen, context);
                }

                acked = Max(acked, transcript.LastSaved);
                seen = Max(seen, transcript.LastSeen);
                var expected = new Expected(context, acked, seen is { } s ? s + 1 : 1);
                if (pending is not null)
                {
                    phase.Restart();
                    var previous = await pending;
                    pending = null;
                    tally.WaitTime += phase.Elapsed;
                    Record(tally, previous, noDirectoryFsync);
                    if (noDirectoryFsync && tally.Lost > 0)
                    {
                        break;
                    }
                }

                var slot = Path.Combine(scratch, $"check{i % 2}");
                pending = Task.Run(() =>
                {
                    var started = Stopwatch.GetTimestamp();
                    var check = CheckCopy(image, copyPath, slot, expected);
                    tally.AddCheckTime(Stopwatch.GetElapsedTime(started));
                    return check;
                });
            }

            if (pending is not null)
            {
                var last = pending;
                pending = null;
                Record(tally, await last, noDirectoryFsync);
            }
        }
        finally
        {
            // After a failure a check may still have its copy mounted under the scratch directory: let it unmount first.
            if (pending is not null)
            {
                await pending.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }

            Directory.Delete(scratch, recursive: true);
        }

        tally.Elapsed = clock.Elapsed;
        return tally;
    }

    /// <summary>
    /// Mounts a crash image and opens its run as the next writer after a reboot would (which removes the
    /// temp file of an interrupted save), then loads the latest checkpoint and verifies it byte for byte.
    /// </summary>
    private static ImageCheck CheckCopy(LoopImage image, string copyPath, string mountPoint, Expected expected)
    {
        using var mounted = image.MountCopy(copyPath, mountPoint);
        return new ImageCheck(expected, RunCheck.Run(Path.Combine(mounted.MountPoint, "ckpt")));
    }

    private static void Record(Tally tally, ImageCheck check, bool noDirectoryFsync)
    {
        var (context, acked, ceiling) = check.Expected;
        var found = check.Found;
        tally.Images++;
        tally.MidWrite += found.TempBefore > 0 ? 1 : 0;
        if (found.LatestStep is not { } step)
        {
            tally.Empty++;
            if (acked is not null)
            {
                tally.Lost++;
                tally.FirstLoss ??= $"image #{tally.Images - 1}: no checkpoint < acknowledged {acked}";
            }

            Assert.True(noDirectoryFsync || acked is null, $"{context}: the image holds no checkpoint, but step {acked} had been acknowledged.");
            return;
        }

        tally.Loaded++;
        if (acked is { } a && step < a)
        {
            tally.Lost++;
            tally.FirstLoss ??= $"image #{tally.Images - 1}: step {step} < acknowledged {a}";
        }
        else if (step == acked)
        {
            tally.Equal++;
        }
        else
        {
            tally.Newer++;
        }

        if (noDirectoryFsync)
        {
            return;
        }

        Assert.True(found.Problem is null, $"{context}: checkpoint {step} loaded from the image is wrong: {found.Problem}");
        Assert.True(found.Skipped == 0, $"{context}: {found.Skipped} damaged checkpoints were skipped in the image; a power cut must never leave one.");
        Assert.True(acked is null || step >= acked, $"{context}: the image's latest checkpoint is step {step}, but step {acked} had been acknowledged before the stop.");
        Assert.True(step <= ceiling, $"{context}: the image's latest checkpoint is step {step}, beyond the one save that could have been in flight ({ceiling}).");
        Assert.True(found.TempBefore <= 1, $"{context}: {found.TempBefore} temp files in the image; one save in flight leaves at most one.");
        Assert.True(found.TempAfter == 0, $"{context}: opening the run in the image left {found.TempAfter} temp files.");
    }

    /// <summary>Checks the child resumed from a checkpoint no older than the last acknowledged one and saved consecutive steps.</summary>
    private static Transcript ReadTranscript(ChildProcess child, long? acked, long? seen, string context)
    {
        var lines = child.Lines;
        if (lines.Count == 0)
        {
            return new Transcript(null, null);
        }

        long step;
        if (lines[0] == "FRESH")
        {
            Assert.True(acked is null, $"{context}: the child started fresh, but step {acked} had been acknowledged. {child.Describe()}");
            step = 0;
        }
        else
        {
            var parts = lines[0].Split(' ');
            Assert.True(parts is ["RESUMED", _] && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out step), $"{context}: unexpected first line '{lines[0]}'. {child.Describe()}");
            step = long.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.True(step >= (acked ?? 0) && step <= (seen ?? 0) + 1, $"{context}: the child resumed from step {step}; the live file system must hold the last acknowledged step {acked} and at most one more than the last seen ({seen}). {child.Describe()}");
        }

        long? saved = null;
        foreach (var line in lines.Skip(1))
        {
            step++;
            Assert.True(line == $"SAVED {step.ToString(CultureInfo.InvariantCulture)}", $"{context}: expected 'SAVED {step}', got '{line}'. {child.Describe()}");
            saved = step;
        }

        return new Transcript(saved, step);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private bool Available(string fileSystem)
    {
        var reason = LoopImage.Unavailable(fileSystem);
        if (reason is null)
        {
            return true;
        }

        Assert.False(TestSettings.InCi, $"{fileSystem} crash images cannot run: {reason}. CI runs as root and installs xfsprogs and btrfs-progs.");
        output.WriteLine($"SKIPPED: {fileSystem} crash images cannot run: {reason} (with CI=true this is a failure).");
        return false;
    }

    /// <summary>What an image must hold: a checkpoint no older than <paramref name="Acked"/>, no newer than <paramref name="Ceiling"/>.</summary>
    private sealed record Expected(string Context, long? Acked, long Ceiling);

    private sealed record ImageCheck(Expected Expected, RunCheckResult Found);

    /// <summary>The last step the child acknowledged, and the last it named at all (resumed from or saved).</summary>
    private sealed record Transcript(long? LastSaved, long? LastSeen);

    private sealed class Tally
    {
        public int Images { get; set; }

        public int Loaded { get; set; }

        public int Empty { get; set; }

        public int Equal { get; set; }

        public int Newer { get; set; }

        public int Lost { get; set; }

        public int MidWrite { get; set; }

        public int CopyRetries { get; set; }

        public string? FirstLoss { get; set; }

        public TimeSpan Elapsed { get; set; }

        /// <summary>From starting a child to its first line (runtime start-up, open, resume).</summary>
        public TimeSpan StartupTime { get; set; }

        public TimeSpan CopyTime { get; set; }

        /// <summary>Time the loop waited for the previous image's check after taking the next copy.</summary>
        public TimeSpan WaitTime { get; set; }

        private long _checkTicks;

        /// <summary>Mounting, loading and unmounting an image (runs beside the next child).</summary>
        public void AddCheckTime(TimeSpan time) => Interlocked.Add(ref _checkTicks, time.Ticks);

        private string Average(TimeSpan total) => Images == 0 ? "-" : (total.TotalMilliseconds / Images).ToString("F0", CultureInfo.InvariantCulture);

        public string Summary(string label, int seed) =>
            $"{label}: {Images} images, {Loaded} loaded, step==acked {Equal}, step>acked {Newer}, step<acked {Lost}{(FirstLoss is null ? string.Empty : $" (first: {FirstLoss})")}, " +
            $"empty {Empty}, mid-write {MidWrite}, copies retaken {CopyRetries}, seed {seed}, {Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s " +
            $"(per image: child start {Average(StartupTime)} ms, copy {Average(CopyTime)} ms, check {Average(TimeSpan.FromTicks(Interlocked.Read(ref _checkTicks)))} ms, waiting for it {Average(WaitTime)} ms)";
    }
}
