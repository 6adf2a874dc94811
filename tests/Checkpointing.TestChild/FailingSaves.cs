using System.Globalization;

namespace Checkpointing.TestChild;

/// <summary>
/// <c>save-failing ROOT N</c>: N saves in one process, each expected to fail (the parent injects the
/// failures); after each, counts the temp files in the run directory. Prints
/// <c>FAILED f SAVED s MAXTEMP m</c> and exits 0.
/// </summary>
internal static class FailingSaves
{
    public static int Run(string root, int count)
    {
        var runDirectory = Path.Combine(root, LoopState.ProcessType, LoopState.RunName);
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        int failed = 0, saved = 0, maxTemp = 0;
        for (var i = 0; i < count; i++)
        {
            try
            {
                manager.Save(LoopState.Create(100 + i, 1024), 100 + i);
                saved++;
            }
            catch (CheckpointStorageException)
            {
                failed++;
            }

            maxTemp = Math.Max(maxTemp, Directory.GetFiles(runDirectory).Count(f => f.Contains(".tmp-", StringComparison.Ordinal)));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAILED {failed} SAVED {saved} MAXTEMP {maxTemp}"));
        Console.Out.Flush();
        return 0;
    }
}
