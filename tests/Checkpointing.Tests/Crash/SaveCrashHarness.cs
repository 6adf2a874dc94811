using Checkpointing.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Crash;

/// <summary>
/// Crashes a save after each of its primitive operations and checks what a restart finds.
/// Scenario: save an "old" checkpoint (step 1) durably, then save a "new" one (step 2) on the
/// simulated file system and cut the power after operation k of that second save, for every k from
/// 0 (before it starts) to N (after Save returned, retention included). For each crash point and
/// each <see cref="CrashOutcome"/>, the crashed disk image is opened by a new manager and
/// <see cref="CheckpointManager.LoadLatest{T}"/> must give exactly the old or exactly the new state,
/// the new one whenever Save had returned, with no damaged file under a checkpoint name, at most one
/// stray temp file before the open and none after it. Every breach is returned, not thrown, so
/// broken protocol variants can be shown to produce some.
/// </summary>
internal static class SaveCrashHarness
{
    public const string ProcessType = "crash";
    public const string RunName = "run";
    public const string Root = "/sim/checkpoints";
    public const int OldStep = 1;
    public const int NewStep = 2;

    private static readonly DateTimeOffset StartTime = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string RunDirectory { get; } = Path.Combine(Root, ProcessType, RunName);

    public static CheckpointManager Open(SimulatedFileSystem fs, LocalStoreFaults faults, TimeProvider time) =>
        new(ProcessType, RunName, Options(time), fs, faults);

    public static CheckpointOptions Options(TimeProvider time) => new()
    {
        RootDirectory = Root,
        Compression = CheckpointCompression.None,
        KeepLastN = 1,
        Serializer = RawBytesSerializer.Instance,
        TimeProvider = time,
    };

    /// <summary>Deterministic bytes; different salts give different contents (except for size 0).</summary>
    public static byte[] Payload(int size, byte salt)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)((i * 31) + (i >> 8) + salt);
        }

        return bytes;
    }

    public static bool IsTemporary(string fileName) => fileName.Contains(LocalDirectoryStore.TempMarker, StringComparison.Ordinal);

    /// <summary>Runs the whole enumeration for one payload size and returns what it found.</summary>
    public static SaveCrashReport Run(int payloadSize, LocalStoreFaults faults, int randomOutcomesPerCrashPoint)
    {
        var dryRun = Scenario.Start(payloadSize, faults);
        dryRun.SaveNew(crashAfter: null);
        var operationsPerSave = dryRun.SaveOperationCount;
        var operationKinds = dryRun.SaveOperations.Select(o => o.Kind.ToString()).ToList();

        var violations = new List<string>();
        var images = 0;
        var loadedOld = 0;
        var loadedNew = 0;
        for (var k = 0; k <= operationsPerSave; k++)
        {
            var scenario = Scenario.Start(payloadSize, faults);
            var returned = scenario.SaveNew(crashAfter: k);
            var where = $"size {payloadSize}, faults {faults}, crash after operation {k}/{operationsPerSave} ({scenario.LastOperationBefore(k)})";
            if (returned != (k == operationsPerSave))
            {
                violations.Add($"{where}: Save {(returned ? "returned although its operations were cut short" : "did not return although every operation ran")}");
                continue;
            }

            var outcomes = CrashOutcome.Extremes.Concat(
                Enumerable.Range(1, randomOutcomesPerCrashPoint).Select(i => CrashOutcome.Random(unchecked((payloadSize * 1_000_003) + (k * 1_009) + i))));
            foreach (var outcome in outcomes)
            {
                images++;
                var problems = Check(scenario.Fs.CrashImage(outcome), returned, scenario.OldPayload, scenario.NewPayload, out var loadedStep);
                loadedOld += loadedStep == OldStep ? 1 : 0;
                loadedNew += loadedStep == NewStep ? 1 : 0;
                foreach (var problem in problems)
                {
                    violations.Add($"{where}, outcome {outcome}: {problem}");
                }
            }
        }

        return new SaveCrashReport(payloadSize, faults, operationsPerSave, operationsPerSave + 1, images, loadedOld, loadedNew, operationKinds, violations);
    }

    /// <summary>What a restart on <paramref name="image"/> sees that breaks the promises, if anything; <paramref name="loadedStep"/> is the step it loaded.</summary>
    public static List<string> Check(SimulatedFileSystem image, bool saveReturned, byte[] oldPayload, byte[] newPayload, out long? loadedStep)
    {
        loadedStep = null;
        var problems = new List<string>();
        var strays = image.Peek(RunDirectory).Where(f => IsTemporary(f.Name)).ToList();
        if (strays.Count > 1)
        {
            problems.Add($"{strays.Count} stray temp files after the crash ({string.Join(", ", strays.Select(s => s.Name))}); at most one is expected");
        }

        try
        {
            using var manager = Open(image, LocalStoreFaults.None, new FakeTimeProvider(StartTime.AddHours(1)));
            var left = image.Peek(RunDirectory).Where(f => IsTemporary(f.Name)).ToList();
            if (left.Count > 0)
            {
                problems.Add($"opening a manager left {left.Count} temp file(s) in place ({left[0].Name})");
            }

            var loaded = manager.LoadLatest<byte[]>();
            if (loaded is null)
            {
                problems.Add("no checkpoint at all was found: the old one was lost");
                return problems;
            }

            if (loaded.Skipped.Count > 0)
            {
                problems.Add($"a damaged file was left under a checkpoint name: {loaded.Skipped[0].FileName} ({loaded.Skipped[0].Reason})");
            }

            var step = loaded.Metadata.Step;
            loadedStep = step;
            if (step == OldStep && loaded.State.AsSpan().SequenceEqual(oldPayload))
            {
                if (saveReturned)
                {
                    problems.Add("the old checkpoint was loaded although the new save had returned: a returned save was lost");
                }
            }
            else if (!(step == NewStep && loaded.State.AsSpan().SequenceEqual(newPayload)))
            {
                problems.Add($"loaded step {step} with {loaded.State.Length} bytes, which is neither the old nor the new checkpoint");
            }
        }
        catch (Exception ex)
        {
            problems.Add($"opening or loading threw {ex.GetType().Name}: {ex.Message}");
        }

        return problems;
    }

    /// <summary>One run of the scenario on a fresh simulated disk.</summary>
    private sealed class Scenario
    {
        private readonly FakeTimeProvider _time = new(StartTime);
        private CheckpointManager? _manager;
        private int _baseOperation;

        private Scenario(int payloadSize)
        {
            OldPayload = Payload(payloadSize, 0x11);
            NewPayload = Payload(payloadSize, 0x77);
        }

        public SimulatedFileSystem Fs { get; } = new();

        public byte[] OldPayload { get; }

        public byte[] NewPayload { get; }

        public int SaveOperationCount => Fs.OperationCount - _baseOperation;

        public IEnumerable<SimulatedOperation> SaveOperations => Fs.Operations.Skip(_baseOperation);

        /// <summary>The old checkpoint is always saved correctly, so a broken variant is judged only by the save it crashes in.</summary>
        public static Scenario Start(int payloadSize, LocalStoreFaults faults)
        {
            var scenario = new Scenario(payloadSize);
            using (var correct = Open(scenario.Fs, LocalStoreFaults.None, scenario._time))
            {
                correct.Save(scenario.OldPayload, OldStep);
            }

            scenario._time.Advance(TimeSpan.FromMinutes(1));
            scenario._manager = Open(scenario.Fs, faults, scenario._time);
            scenario._baseOperation = scenario.Fs.OperationCount;
            return scenario;
        }

        /// <summary>Saves the new checkpoint, crashing after <paramref name="crashAfter"/> of its operations; true when Save returned.</summary>
        public bool SaveNew(int? crashAfter)
        {
            if (crashAfter is int k)
            {
                Fs.CrashAfter(_baseOperation + k);
            }

            try
            {
                _manager!.Save(NewPayload, NewStep);
                return true;
            }
            catch (SimulatedCrashException)
            {
                return false;
            }
        }

        public string LastOperationBefore(int k) => k == 0 ? "before its first operation" : "after " + Fs.Operations[_baseOperation + k - 1];
    }
}
