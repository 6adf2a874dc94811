using System.Globalization;

namespace Checkpointing.TestChild;

/// <summary>
/// <c>session ROOT [--read-only]</c>: opens the run once and then obeys commands from stdin, one per line, so
/// a parent can change the file system between saves of one running writer. On open prints
/// <c>OPENED count=N</c>, or <c>OPEN_ERROR ...</c> and exits 3. Commands:
/// <c>save STEP BYTES</c> prints <c>SAVED STEP</c> or <c>STORAGE_ERROR ...</c>;
/// <c>load</c> prints <c>LATEST step OK|problem skipped=N</c>, <c>LATEST none</c> or <c>LOAD_ERROR ...</c>;
/// <c>list</c> prints <c>LIST step,step,…</c>; <c>quit</c> (or end of input) exits 0.
/// Errors print as <c>TYPE errno=E transient=T message=…</c> on one line.
/// </summary>
internal static class Session
{
    public static int Run(string root, bool readOnly)
    {
        var options = RunCheck.Options(root);
        options.ReadOnly = readOnly;
        CheckpointManager manager;
        try
        {
            manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, options);
        }
        catch (CheckpointException ex)
        {
            Print("OPEN_ERROR " + Describe(ex));
            return Modes.StorageErrorExitCode;
        }

        using (manager)
        {
            Print($"OPENED count={ListOrError(manager)}");
            while (Console.In.ReadLine() is { } line)
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                switch (words)
                {
                    case ["save", var step, var bytes]:
                        Save(manager, long.Parse(step, CultureInfo.InvariantCulture), int.Parse(bytes, CultureInfo.InvariantCulture));
                        break;
                    case ["load"]:
                        Load(manager);
                        break;
                    case ["list"]:
                        Print($"LIST {ListOrError(manager)}");
                        break;
                    case ["quit"]:
                        return 0;
                    default:
                        Print($"BAD_COMMAND {line}");
                        return 2;
                }
            }
        }

        return 0;
    }

    private static void Save(CheckpointManager manager, long step, int bytes)
    {
        try
        {
            manager.Save(LoopState.Create(step, bytes), step);
            Print($"SAVED {step}");
        }
        catch (CheckpointException ex)
        {
            Print("SAVE_ERROR " + Describe(ex));
        }
    }

    private static void Load(CheckpointManager manager)
    {
        try
        {
            var latest = manager.LoadLatest<LoopState>();
            if (latest is null)
            {
                Print("LATEST none");
                return;
            }

            var problem = latest.State is null ? "state is null" : latest.State.Problem(latest.Metadata.Step);
            var skipped = string.Join(';', latest.Skipped.Select(s => $"{s.FileName}: {s.Reason}"));
            Print($"LATEST {latest.Metadata.Step} {problem ?? "OK"} skipped={latest.Skipped.Count} {skipped}".TrimEnd());
        }
        catch (CheckpointException ex)
        {
            Print("LOAD_ERROR " + Describe(ex));
        }
    }

    private static string ListOrError(CheckpointManager manager)
    {
        try
        {
            var list = manager.List();
            return $"{list.Count} {string.Join(',', list.Select(m => m.Step))}".TrimEnd();
        }
        catch (CheckpointException ex)
        {
            return "LIST_ERROR " + Describe(ex);
        }
    }

    private static string Describe(CheckpointException ex)
    {
        var errno = ex is CheckpointStorageException { Errno: { } e } ? e.ToString(CultureInfo.InvariantCulture) : "none";
        return $"{ex.GetType().Name} errno={errno} transient={ex.IsTransient} message={ex.Message.ReplaceLineEndings(" ")}";
    }

    private static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
