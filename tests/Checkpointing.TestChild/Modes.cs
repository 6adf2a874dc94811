using System.Globalization;
using System.Text;
using Checkpointing.Storage;

namespace Checkpointing.TestChild;

/// <summary>The child's modes; each prints one fact per line and flushes it.</summary>
internal static class Modes
{
    public const int StorageErrorExitCode = 3;

    /// <summary>
    /// Saves steps previous+1, previous+2, … until killed, or until stdin closes (the parent is gone).
    /// <c>--no-dir-fsync</c> saves with the run directory's fsync switched off (the library's
    /// test-only fault switch): a deliberately broken build that the crash-image tests must catch.
    /// </summary>
    public static int SaveLoop(string root, int payloadBytes, IReadOnlyList<string>? flags = null)
    {
        var faults = LocalStoreFaults.None;
        foreach (var flag in flags ?? [])
        {
            if (flag != "--no-dir-fsync")
            {
                Console.Error.WriteLine($"save-loop: unknown flag '{flag}'");
                return 2;
            }

            faults |= LocalStoreFaults.SkipDirectorySync;
        }

        ExitWhenStdinCloses();
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root), fileSystem: null, faults);
        var latest = manager.LoadLatest<LoopState>();
        long step = 0;
        if (latest is null)
        {
            Print("FRESH");
        }
        else
        {
            var problem = latest.State is null ? "state is null" : latest.State.Problem(latest.Metadata.Step);
            if (problem is not null)
            {
                Console.Error.WriteLine($"PROBLEM resumed checkpoint {latest.Metadata.Id}: {problem}");
                return 1;
            }

            step = latest.Metadata.Step;
            Print($"RESUMED {step}");
        }

        while (true)
        {
            step++;
            manager.Save(LoopState.Create(step, payloadBytes), step);
            Print($"SAVED {step}");
        }
    }

    /// <summary>Saves <paramref name="count"/> steps from <paramref name="first"/> on, printing <c>SAVED n</c> each, until one fails with a storage error.</summary>
    public static int SaveOnce(string root, long first, int count = 1)
    {
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        for (var step = first; step < first + count; step++)
        {
            try
            {
                manager.Save(LoopState.Create(step, 1024), step);
            }
            catch (CheckpointStorageException ex)
            {
                var errno = ex.Errno?.ToString(CultureInfo.InvariantCulture) ?? "none";
                Print($"STORAGE_ERROR errno={errno} transient={ex.IsTransient} message={OneLine(ex.Message)}");
                return StorageErrorExitCode;
            }

            Print($"SAVED {step}");
        }

        return 0;
    }

    public static int Check(string root)
    {
        var result = RunCheck.Run(root);
        Print($"TEMP_BEFORE {result.TempBefore}");
        Print(result.LatestStep is { } step ? $"LATEST {step}" : "LATEST none");
        Print($"SKIPPED {result.Skipped}");
        Print($"TEMP_AFTER {result.TempAfter}");
        var problems = new List<string>();
        if (result.Problem is not null)
        {
            problems.Add(result.Problem);
        }

        if (result.TempBefore > 1)
        {
            problems.Add($"{result.TempBefore} stray temp files before open (at most one save can be interrupted)");
        }

        if (result.TempAfter != 0)
        {
            problems.Add($"{result.TempAfter} temp files left after open");
        }

        if (result.Skipped != 0)
        {
            problems.Add($"{result.Skipped} checkpoints were skipped as damaged");
        }

        if (problems.Count > 0)
        {
            Console.Error.WriteLine("PROBLEM " + string.Join("; ", problems));
            return 1;
        }

        Print("OK");
        return 0;
    }

    public static int LockHold(string root)
    {
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        Print($"LOCKED pid={Environment.ProcessId}");
        Console.In.ReadToEnd();
        return 0;
    }

    public static int LockTry(string root, bool waitForGo)
    {
        if (waitForGo)
        {
            Print("READY");
            if (Console.In.ReadLine() != "GO")
            {
                return 2;
            }
        }

        CheckpointManager manager;
        try
        {
            manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        }
        catch (CheckpointLockedException ex)
        {
            var pid = ex.HolderProcessId?.ToString(CultureInfo.InvariantCulture) ?? "none";
            Print($"LOCKED_BY pid={pid} host={ex.HolderHost ?? "none"}");
            return 0;
        }

        using (manager)
        {
            Print($"WON pid={Environment.ProcessId} host={Environment.MachineName}");
            Console.In.ReadToEnd();
        }

        return 0;
    }

    /// <summary>Writes a file through FileStream.Flush(flushToDisk: true) and reports whether it threw.</summary>
    public static int FlushTrue(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            stream.Write(Encoding.UTF8.GetBytes("flush-true\n"));
            stream.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            Print($"FLUSH_THREW {ex.GetType().Name} {OneLine(ex.Message)}");
            return 0;
        }

        Print("FLUSH_OK");
        return 0;
    }

    private static void ExitWhenStdinCloses()
    {
        var watcher = new Thread(() =>
        {
            Console.In.ReadToEnd();
            Environment.Exit(4);
        })
        {
            IsBackground = true,
        };
        watcher.Start();
    }

    private static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
