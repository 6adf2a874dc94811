// Downloads: the seed's "data downloads" pattern, done right.
// A local HTTP server (started by this program, on 127.0.0.1 only) publishes a few hundred
// generated series; a few workers download them. Each series goes to a .part file, is checked
// against the server's digest, fsynced and renamed into place, and only then recorded as done in
// a durable work list: one small journal record per series instead of rewriting the whole list.
// Failed requests are retried with exponential backoff and jitter; a partial file is resumed
// with an HTTP Range request validated by its ETag (If-Range), and started again from zero if the
// server's copy changed. Ctrl+C, SIGTERM or kill -9 lose nothing that was reported done; run the
// same command again and it carries on, then tells you what resuming saved.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using Checkpointing.Interrupts;
using Checkpointing.Journaling;
using Downloads;

const string FilesDirectoryName = "files";
var rule = new string('=', 80);

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

Console.WriteLine(rule);
Console.WriteLine("RESUMABLE DOWNLOADS");
Console.WriteLine(rule);

if (!ExampleStartup.TryOpen("download", "series", options.CheckpointDirectory, out var manager))
{
    return 1;
}

using (manager)
{
    var report = new ConsoleReport(options.Ack);
    var runDirectory = manager.RunDirectory;
    var filesDirectory = Path.Combine(runDirectory, FilesDirectoryName);
    Console.WriteLine($"Run directory: {runDirectory}");
    Console.WriteLine($"Downloaded files: {filesDirectory}");
    Console.WriteLine();

    if (options.Fresh)
    {
        Console.WriteLine($"--fresh: {Reset()}.");
        Console.WriteLine();
    }

    var settings = RunSettings.TryLoad(runDirectory);
    var startingFresh = options.Fresh;
    WorkList? work = null;
    try
    {
        if (settings is not null)
        {
            work = Open(settings);
            if (work is null)
            {
                return 1;
            }

            var partials = PartialFiles();
            if (work.DoneCount == 0 && work.StartedNotFinished.Count == 0 && partials == 0)
            {
                // Nothing to keep: start over with the options given now.
                work.Dispose();
                work = null;
                settings = null;
            }
            else
            {
                PrintFound(work, settings, partials);
                if (work.PendingCount == 0)
                {
                    Console.WriteLine("This run already downloaded every series; there is nothing left to do. Use --fresh to start over.");
                    report.Trace(AlreadyDoneLine([.. SeriesCatalog.Keys(settings.Series).Where(work.IsDone)]));
                    return Finish(work, settings);
                }

                if (ExampleConsole.AskYesNo("Resume?", options.Yes))
                {
                    PrintResuming(settings);
                }
                else
                {
                    work.Dispose();
                    work = null;
                    settings = null;
                    startingFresh = true;
                    Console.WriteLine($"Starting fresh: {Reset()}.");
                }
            }
        }

        if (settings is null)
        {
            if (!startingFresh)
            {
                Console.WriteLine("No progress found. Starting fresh.");
            }

            Reset();
            settings = new RunSettings(options.Seed, options.Series, options.MaxKiB);
            Directory.CreateDirectory(filesDirectory);
            settings.Save(runDirectory);
            work = Open(settings);
            if (work is null)
            {
                return 1;
            }
        }

        Directory.CreateDirectory(filesDirectory);
        return await Download(work!, settings);
    }
    finally
    {
        work?.Dispose();
    }

    async Task<int> Download(WorkList work, RunSettings settings)
    {
        var keys = SeriesCatalog.Keys(settings.Series);
        var stats = new DownloadStats();
        var doneKeys = keys.Where(work.IsDone).ToList();
        stats.AlreadyDone(doneKeys.Count, doneKeys.Sum(k => new FileInfo(SeriesDownloader.FinalPath(filesDirectory, k)) is { Exists: true } f ? f.Length : 0));
        report.Trace(AlreadyDoneLine(doneKeys));

        var catalog = new SeriesCatalog(settings.Seed, settings.Series, options.DataRevision, settings.MaxKiB * 1024);
        await using var server = await SeriesServer.StartAsync(catalog, options.BandwidthKiB * 1024L, new FailureInjector(options.FailRate, settings.Seed));
        Console.WriteLine();
        Console.WriteLine($"Server: {server.BaseAddress} (data revision {options.DataRevision}, " +
            (options.BandwidthKiB == 0 ? "unlimited bandwidth" : $"{options.BandwidthKiB:N0} KiB/s per connection") +
            $", failure rate {options.FailRate * 100:0.#}%)");
        Console.WriteLine($"Remaining: {work.PendingCount}/{work.Total} series (seed {settings.Seed}, 4 KiB to {settings.MaxKiB:N0} KiB each), {options.Workers} workers, " +
            $"up to {Backoff.MaxAttempts} attempts per series");
        Console.WriteLine();

        // Installed only now, so Ctrl+C at the prompt above still ends the program at once.
        using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "downloads", Mode = InterruptMode.Abandon });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = options.Workers })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(interrupts.StopToken);
        var downloader = new SeriesDownloader(http, server.BaseAddress, filesDirectory, work, stats, new Backoff(settings.Seed), report);
        var queue = new ConcurrentQueue<string>(work.Pending);
        Exception? fatal = null;
        var clock = Stopwatch.StartNew();

        async Task Worker()
        {
            while (!abort.IsCancellationRequested && queue.TryDequeue(out var key))
            {
                try
                {
                    await downloader.DownloadAsync(key, abort.Token);
                }
                catch (OperationCanceledException) when (abort.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref fatal, ex, null);
                    await abort.CancelAsync();
                    return;
                }
            }
        }

        var workers = Task.WhenAll(Enumerable.Range(0, options.Workers).Select(_ => Task.Run(Worker)));
        using (var timer = new PeriodicTimer(report.Live ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(2)))
        {
            while (await Task.WhenAny(workers, timer.WaitForNextTickAsync().AsTask()) != workers)
            {
                report.Progress(ProgressLine(work, stats, clock.Elapsed));
            }
        }

        await workers;
        var elapsed = clock.Elapsed;
        report.EndProgress();

        if (fatal is not null)
        {
            Console.Error.WriteLine($"The download stopped: {fatal.GetType().Name}: {fatal.Message}");
            Console.Error.WriteLine("Every series reported done is recorded; run again to resume.");
            return 1;
        }

        var partials = PartialFiles();
        if (interrupts.StopRequested && work.PendingCount > 0)
        {
            SnapshotQuietly(work);
            Console.WriteLine(rule);
            Console.WriteLine($"INTERRUPTED ({interrupts.Signal})");
            Console.WriteLine(rule);
            Console.WriteLine($"Done: {work.DoneCount}/{work.Total} series, every one of them recorded durably; {work.PendingCount} to go.");
            if (partials > 0)
            {
                Console.WriteLine($"{partials} partial file(s) kept: the next run resumes them with Range requests.");
            }

            PrintSession(stats, elapsed);
            Console.WriteLine("Run the same command again to resume.");
            return interrupts.ExitCode;
        }

        if (stats.Failed > 0)
        {
            Console.WriteLine(rule);
            Console.WriteLine("INCOMPLETE");
            Console.WriteLine(rule);
            Console.WriteLine($"{stats.Failed} series failed {Backoff.MaxAttempts} attempts in a row; {work.DoneCount}/{work.Total} are done and recorded.");
            PrintSession(stats, elapsed);
            Console.WriteLine("Run the same command again to retry the rest.");
            return 1;
        }

        SnapshotQuietly(work);
        Console.WriteLine(rule);
        Console.WriteLine("COMPLETED");
        Console.WriteLine(rule);
        PrintSession(stats, elapsed);
        return Finish(work, settings);
    }

    WorkList? Open(RunSettings settings)
    {
        try
        {
            return WorkList.Open(manager, SeriesCatalog.Keys(settings.Series));
        }
        catch (CheckpointException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("Run again with --fresh to start over.");
            return null;
        }
    }

    string Reset()
    {
        var checkpoints = manager.DeleteAll();
        Journal.Delete(manager);

        var files = Directory.Exists(filesDirectory) ? Directory.GetFiles(filesDirectory).Length : 0;
        if (Directory.Exists(filesDirectory))
        {
            Directory.Delete(filesDirectory, recursive: true);
        }

        File.Delete(Path.Combine(runDirectory, RunSettings.FileName));
        return $"deleted {checkpoints} checkpoint(s), the journal and {files} downloaded or partial file(s)";
    }

    int PartialFiles() => Directory.Exists(filesDirectory) ? Directory.GetFiles(filesDirectory, "*.part").Length : 0;

    void PrintFound(WorkList work, RunSettings settings, int partials)
    {
        Console.WriteLine(rule);
        Console.WriteLine("PROGRESS FOUND");
        Console.WriteLine(rule);
        Console.WriteLine($"  Done: {work.DoneCount}/{work.Total} series ({work.ProgressPercent:F1}%), seed {settings.Seed}");
        var inFlight = work.StartedNotFinished;
        if (inFlight.Count > 0)
        {
            var shown = string.Join(", ", inFlight.Take(8)) + (inFlight.Count > 8 ? $", … ({inFlight.Count} in all)" : string.Empty);
            Console.WriteLine($"  Started but not recorded done when the run stopped: {shown}");
        }

        Console.WriteLine($"  Partial files: {partials} (resumed with Range requests, if the server's copy is unchanged)");
        Console.WriteLine(rule);
        Console.WriteLine();
    }

    void PrintResuming(RunSettings settings)
    {
        Console.WriteLine("Resuming: series already done are not downloaded again.");
        if ((options.SeedGiven && options.Seed != settings.Seed) || (options.SeriesGiven && options.Series != settings.Series) ||
            (options.MaxKiBGiven && options.MaxKiB != settings.MaxKiB))
        {
            Console.WriteLine($"Note: this run was started with --seed {settings.Seed} --series {settings.Series} --max-kb {settings.MaxKiB}; " +
                "it continues with those (use --fresh to change them).");
        }
    }

    int Finish(WorkList work, RunSettings settings)
    {
        var files = new List<SeriesFile>(work.Total);
        foreach (var key in SeriesCatalog.Keys(settings.Series))
        {
            var path = SeriesDownloader.FinalPath(filesDirectory, key);
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"{key} is recorded as done but {path} is missing. Run with --fresh to download everything again.");
                return 1;
            }

            using var file = File.OpenRead(path);
            files.Add(new SeriesFile(key, file.Length, Convert.ToHexStringLower(SHA256.HashData(file))));
        }

        var total = files.Sum(f => f.Bytes);
        Console.WriteLine($"All {files.Count} series downloaded: {Size(total)} in {filesDirectory}");
        if (options.ResultsFile is { } resultsFile)
        {
            var result = new DownloadResult(settings.Seed, settings.Series, settings.MaxKiB, total, files);
            var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
            File.WriteAllText(resultsFile, json + Environment.NewLine);
            Console.WriteLine($"Result written to {resultsFile}");
        }

        return 0;
    }
}

static void SnapshotQuietly(WorkList work)
{
    try
    {
        work.Snapshot();
    }
    catch (CheckpointException ex)
    {
        // The journal already holds every completion; the snapshot only makes the next start faster.
        Console.Error.WriteLine($"Warning: could not write a snapshot ({ex.Message}); every completion is still in the journal.");
    }
}

static void PrintSession(DownloadStats stats, TimeSpan elapsed)
{
    var rate = elapsed > TimeSpan.Zero ? stats.DownloadedBytes / elapsed.TotalSeconds : 0;
    Console.WriteLine($"This session: {stats.Completed - stats.Reconciled} series downloaded, {Size(stats.DownloadedBytes)} in {elapsed.TotalSeconds:F1} s ({Size((long)rate)}/s)");
    Console.WriteLine($"  Retries: {stats.Retries} ({stats.ServerErrors} HTTP 5xx, {stats.CutConnections} broken connections, {stats.OtherFailures} other)");
    if (stats.Restarts > 0)
    {
        Console.WriteLine($"  Restarted from zero: {stats.Restarts} partial file(s) whose server copy had changed ({Size(stats.DiscardedBytes)} discarded)");
    }

    if (stats.SavedBytes == 0)
    {
        Console.WriteLine("Saved by resuming: nothing yet (this session started from scratch)");
        return;
    }

    Console.WriteLine("Saved by resuming:");
    Console.WriteLine($"  Series already done before this session: {stats.Skipped} ({Size(stats.SkippedBytes)} not downloaded again)");
    Console.WriteLine($"  Partial downloads resumed with a Range request: {stats.RangeResumes} ({Size(stats.ResumedBytes)} not downloaded again)");
    if (stats.Reconciled > 0)
    {
        Console.WriteLine($"  Complete files verified with the server instead of downloaded: {stats.Reconciled} ({Size(stats.ReconciledBytes)})");
    }

    var saved = stats.SavedBytes;
    Console.WriteLine(rate > 0
        ? $"  Total: {Size(saved)} not downloaded again, about {Duration(TimeSpan.FromSeconds(saved / rate))} at this session's {Size((long)rate)}/s"
        : $"  Total: {Size(saved)} not downloaded again");
}

// The count lets a reader tell a complete line from one cut short by kill -9.
static string AlreadyDoneLine(IReadOnlyList<string> keys) =>
    string.Create(CultureInfo.InvariantCulture, $"ALREADY_DONE {keys.Count} {string.Join(' ', keys)}").TrimEnd();

static string ProgressLine(WorkList work, DownloadStats stats, TimeSpan elapsed)
{
    var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
    var width = work.Total.ToString(CultureInfo.InvariantCulture).Length;
    var eta = work.EstimatedRemaining is { } remaining ? Duration(remaining) : "--";
    return $"  {work.DoneCount.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{work.Total} series  {work.ProgressPercent,5:F1}%  " +
        $"{stats.Completed / seconds,6:F1} series/s  {Size((long)(stats.DownloadedBytes / seconds))}/s  ETA {eta}";
}

static string Size(long bytes) => bytes switch
{
    < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
    _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MiB"),
};

static string Duration(TimeSpan span) => span.TotalHours >= 1
    ? span.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
    : span.TotalSeconds >= 10 ? span.ToString(@"m\:ss", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:F1} s");
