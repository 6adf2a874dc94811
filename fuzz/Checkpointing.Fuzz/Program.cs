using System.Security.Cryptography;
using Checkpointing;
using Checkpointing.Fuzz;
using Checkpointing.Journaling;
using SharpFuzz;

// checkpoint | journal      run under afl-fuzz (SharpFuzz's fork server; runs once when not under AFL)
// seeds DIR                 write the seed corpus (valid files made by the library) into DIR/{checkpoint,journal}
// replay TARGET FILE...     run files through a target and say what each did
switch (args)
{
    case [var target] when FuzzTargets.Names.Contains(target):
        FuzzTargets.MeasureAllThreads = true;
        Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            FuzzTargets.Run(target, copy.ToArray());
        });
        return 0;

    case ["seeds", var directory]:
        Seeds.Write(directory);
        return 0;

    case ["replay", var target, .. var files] when FuzzTargets.Names.Contains(target):
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                FuzzTargets.Run(target, File.ReadAllBytes(file));
                Console.WriteLine($"ok    {file}");
            }
#pragma warning disable CA1031 // Reporting every failure is the point.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"FAIL  {file}: {ex}");
            }
        }

        return failed == 0 ? 0 : 1;

    default:
        Console.Error.WriteLine("usage: Checkpointing.Fuzz checkpoint|journal | seeds DIR | replay checkpoint|journal FILE...");
        return 2;
}

/// <summary>Valid inputs written by the library itself: what the fuzzer starts from.</summary>
internal static class Seeds
{
    public static void Write(string directory)
    {
        var checkpoints = Directory.CreateDirectory(Path.Combine(directory, FuzzTargets.Checkpoint)).FullName;
        var journals = Directory.CreateDirectory(Path.Combine(directory, FuzzTargets.Journal)).FullName;
        var root = Directory.CreateTempSubdirectory("ckpt-seeds-").FullName;
        try
        {
            var small = new SeedState { Step = 7, Loss = 0.25, Name = "seed", Values = [1, 2, 3] };
            var compressible = new SeedState { Step = 8, Loss = 0.5, Name = "compressible", Values = Enumerable.Repeat(42, 1000).ToArray() };
            Save(root, "json", CheckpointCompression.None, small, Path.Combine(checkpoints, "json.ckpt"));
            Save(root, "zstd", CheckpointCompression.Zstd, compressible, Path.Combine(checkpoints, "zstd.ckpt"));
            Save(root, "gzip", CheckpointCompression.Gzip, compressible, Path.Combine(checkpoints, "gzip.ckpt"));
            var binary = new SeedSectionsState { Step = 9, Weights = new double[512], Noise = RandomNumberGenerator.GetBytes(48) };
            Save(root, "binary", CheckpointCompression.Zstd, binary, Path.Combine(checkpoints, "binary-sections.ckpt"));

            using (var manager = new CheckpointManager("fuzz", "snapshot", new CheckpointOptions { RootDirectory = root, Compression = CheckpointCompression.None }))
            {
                manager.SaveJournalSnapshot(
                    """{"done":["a","b"]}"""u8.ToArray(), "WorkList", "json", 3, 10,
                    new JournalSnapshotContent(3, "worklist", "intents", """[{"item":"c"}]"""u8.ToArray()));
                File.Copy(Directory.GetFiles(manager.RunDirectory, "*.ckpt").Single(), Path.Combine(checkpoints, "journal-snapshot.ckpt"), overwrite: true);
            }

            using (var manager = new CheckpointManager("fuzz", "journal", new CheckpointOptions { RootDirectory = root }))
            {
                string segment;
                using (var journal = Journal.Open(manager))
                {
                    foreach (var payload in new[] { "first"u8.ToArray(), "{\"fill\":12.5}"u8.ToArray(), new byte[40], "last"u8.ToArray() })
                    {
                        journal.Append(payload);
                    }

                    journal.Commit();
                    segment = Directory.GetFiles(journal.Directory, "segment_*.log").Single();
                }

                var bytes = File.ReadAllBytes(segment);
                File.WriteAllBytes(Path.Combine(journals, "records.log"), bytes);
                File.WriteAllBytes(Path.Combine(journals, "torn-tail.log"), bytes[..^5]);
                var damaged = (byte[])bytes.Clone();
                damaged[16 + 24 + 3] ^= 0x40; // inside the first record's payload: valid records follow the damage
                File.WriteAllBytes(Path.Combine(journals, "damaged-middle.log"), damaged);
                File.WriteAllBytes(Path.Combine(journals, "header-only.log"), bytes[..16]);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        foreach (var file in Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            Console.WriteLine($"{new FileInfo(file).Length,8} {file}");
        }
    }

    private static void Save<T>(string root, string name, CheckpointCompression compression, T state, string destination)
    {
        using var manager = new CheckpointManager("fuzz", name, new CheckpointOptions { RootDirectory = root, Compression = compression });
        manager.Save(state, step: 1, totalSteps: 10, metrics: new Dictionary<string, double> { ["loss"] = 0.25 });
        File.Copy(Directory.GetFiles(manager.RunDirectory, "*.ckpt").Single(), destination, overwrite: true);
    }
}

internal sealed class SeedState
{
    public long Step { get; set; }

    public double Loss { get; set; }

    public string Name { get; set; } = string.Empty;

    public int[] Values { get; set; } = [];
}

internal sealed class SeedSectionsState : IBinarySectionsState
{
    public long Step { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public double[] Weights { get; set; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public byte[] Noise { get; set; } = [];

    public BinarySections GetSections() => new() { { "weights", Weights }, { "noise", Noise } };

    public void LoadSections(BinarySectionSet sections)
    {
        Weights = sections["weights"].ReadArray<double>();
        Noise = sections["noise"].ReadArray<byte>();
    }
}
