// Whole-process workloads, run side by side with the seed baseline (shared/peers/seed_python/bench.py):
//   dotnet run -c Release --project bench/Checkpointing.Bench -- WORKLOAD N DIR
// Each prints one summary line "WORKLOAD N: <seconds>s"; DIR must not exist or be empty.
using System.Globalization;
using Checkpointing.Bench;

if (args.Length != 3
    || WorkloadCatalog.All.FirstOrDefault(w => w.Name == args[0]) is not { } workload
    || !long.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
    || n < 1)
{
    Console.Error.WriteLine("Usage: Checkpointing.Bench WORKLOAD N DIR   (DIR must not exist or be empty)");
    Console.Error.WriteLine();
    foreach (var w in WorkloadCatalog.All)
    {
        Console.Error.WriteLine($"  {w.Name,-12} {w.Description}");
    }

    return 2;
}

var directory = Path.GetFullPath(args[2]);
if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
{
    Console.Error.WriteLine($"'{directory}' is not empty; give a new or empty directory.");
    return 2;
}

Directory.CreateDirectory(directory);
var context = new WorkloadContext(n, directory);
context.RestartClock();
workload.Run(context);
var seconds = context.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload.Name} {n}: {seconds:F3}s"));
return 0;
