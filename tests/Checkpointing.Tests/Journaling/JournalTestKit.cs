using Checkpointing.Storage;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Journaling;

/// <summary>Managers over the real or the simulated file system, and deterministic payloads, for the journal tests.</summary>
internal static class JournalTestKit
{
    public const string ProcessType = "journal";
    public const string RunName = "run";
    public const string SimulatedRoot = "/sim/root";

    /// <summary>The journal directory of the simulated run.</summary>
    public static string SimulatedJournalDirectory => Path.Combine(SimulatedRoot, ProcessType, RunName, Checkpointing.Journaling.Journal.DirectoryName);

    public static CheckpointManager Simulated(SimulatedFileSystem fs, Action<CheckpointOptions>? configure = null)
    {
        var options = new CheckpointOptions { RootDirectory = SimulatedRoot, Compression = CheckpointCompression.None };
        configure?.Invoke(options);
        return new CheckpointManager(ProcessType, RunName, options, fs, LocalStoreFaults.None);
    }

    public static SimulatedFileSystem NewSimulatedDisk()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(SimulatedRoot);
        return fs;
    }

    /// <summary>Payload <paramref name="index"/> of a run seeded with <paramref name="seed"/>: 0 to <paramref name="maxLength"/> bytes.</summary>
    public static byte[] Payload(int seed, int index, int maxLength = 200)
    {
        var rng = new Random(HashCode.Combine(seed, index));
        var bytes = new byte[rng.Next(maxLength + 1)];
        rng.NextBytes(bytes);
        return bytes;
    }

    public static List<byte[]> Payloads(int seed, int count, int maxLength = 200) =>
        Enumerable.Range(0, count).Select(i => Payload(seed, i, maxLength)).ToList();

    /// <summary>The segment files (names) in a journal directory on the real file system, oldest first.</summary>
    public static string[] SegmentFiles(string journalDirectory) =>
        Directory.GetFiles(journalDirectory, "segment_*.log").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>A copy of <paramref name="disk"/> (everything durable) in which the file at <paramref name="path"/> holds <paramref name="bytes"/>.</summary>
    public static SimulatedFileSystem WithFile(SimulatedFileSystem disk, string path, byte[] bytes)
    {
        var copy = disk.CrashImage(new CrashOutcome(NamespaceSurvival.All, DataSurvival.All, 0));
        copy.Delete(path);
        using (var file = copy.CreateNew(path))
        {
            file.Append(bytes);
            file.Sync();
        }

        copy.SyncDirectory(Path.GetDirectoryName(path)!);
        return copy;
    }
}
