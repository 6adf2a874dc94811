using System.Globalization;
using System.Text;
using Checkpointing.Storage;

namespace Checkpointing.TestChild;

/// <summary>Modes for the fencing tests: a writer driven line by line, a save loop that stops when fenced, and a publish race.</summary>
public static class FencingModes
{
    public const int FencedExitCode = 5;

    /// <summary>
    /// Opens the run (taking it over with <paramref name="takeOver"/>), prints <c>OPEN latest=N</c>, then
    /// obeys stdin: <c>save N</c> prints <c>SAVED N gen=G</c>, <c>FENCED current=G</c> or <c>FAILED type: message</c>; <c>exit</c> ends.
    /// </summary>
    public static int Writer(string root, bool takeOver)
    {
        var options = RunCheck.Options(root);
        options.TakeOverLock = takeOver;
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, options);
        Print($"OPEN latest={manager.LoadLatest<LoopState>()?.Metadata.Step ?? 0}");
        while (Console.ReadLine() is { } line && line != "exit")
        {
            if (!line.StartsWith("save ", StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"unknown command '{line}'");
                return 2;
            }

            var step = long.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
            try
            {
                var saved = manager.Save(LoopState.Create(step, 256), step);
                Print($"SAVED {step} gen={saved.WriterGeneration}");
            }
            catch (CheckpointFencedException ex)
            {
                Print($"FENCED current={ex.CurrentGeneration} mine={ex.WriterGeneration}");
            }
            catch (CheckpointException ex)
            {
                Print($"FAILED {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        return 0;
    }

    /// <summary>Saves latest+1, latest+2, … printing <c>SAVED n gen=G</c>, until a save is fenced: prints <c>FENCED n</c> and exits 5.</summary>
    public static int Loop(string root)
    {
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        var step = manager.LoadLatest<LoopState>()?.Metadata.Step ?? 0;
        Print($"OPEN latest={step}");
        while (true)
        {
            step++;
            try
            {
                var saved = manager.Save(LoopState.Create(step, 4096), step);
                Print($"SAVED {step} gen={saved.WriterGeneration}");
            }
            catch (CheckpointFencedException ex)
            {
                Print($"FENCED {step} current={ex.CurrentGeneration} mine={ex.WriterGeneration}");
                return FencedExitCode;
            }
        }
    }

    /// <summary>
    /// For each stdin line <c>NAME TAG</c>: writes a pending file whose final name is NAME in
    /// <paramref name="directory"/> with TAG's bytes, prints <c>READY</c>, waits for <c>go</c>, publishes
    /// and prints <c>WON</c> or <c>LOST errno=N</c>. The publish is the library's own (no-replace rename).
    /// </summary>
    public static int PublishRace(string directory)
    {
        var store = new LocalDirectoryStore(directory);
        while (Console.ReadLine() is { } line && line != "exit")
        {
            var parts = line.Split(' ');
            using var pending = store.CreatePending(parts[0]);
            pending.Append(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(parts[1], 4096))));
            Print("READY");
            if (Console.ReadLine() != "go")
            {
                return 2;
            }

            try
            {
                pending.Publish();
                Print("WON");
            }
            catch (CheckpointStorageException ex)
            {
                Print($"LOST errno={ex.Errno} {ex.Message.ReplaceLineEndings(" ")}");
            }
        }

        return 0;
    }

    private static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }
}
