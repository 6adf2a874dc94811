using System.Globalization;
using Checkpointing.TestChild;

// A child process for the process-level tests. Every line it prints is flushed at once, so a
// parent that kills it knows exactly which saves had returned. Exit codes: 0 ok, 1 a check
// failed or an unexpected error, 2 bad arguments, 3 a save failed with CheckpointStorageException,
// 4 save-loop stopped because its stdin closed (the parent went away).
try
{
    return args switch
    {
        ["save-loop", var root] => Modes.SaveLoop(root, 1024),
        ["save-loop", var root, var bytes, .. var flags] => Modes.SaveLoop(root, int.Parse(bytes, CultureInfo.InvariantCulture), flags),
        ["save-once", var root, var step] => Modes.SaveOnce(root, long.Parse(step, CultureInfo.InvariantCulture)),
        ["save-once", var root, var step, var count] => Modes.SaveOnce(root, long.Parse(step, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture)),
        ["check", var root] => Modes.Check(root),
        ["session", var root] => Session.Run(root, readOnly: false),
        ["session", var root, "--read-only"] => Session.Run(root, readOnly: true),
        ["journal-commit", var root] => JournalModes.Commit(root),
        ["journal-commit", var root, var padBytes] => JournalModes.Commit(root, int.Parse(padBytes, CultureInfo.InvariantCulture)),
        ["journal-check", var root] => JournalModes.Check(root),
        ["save-failing", var root, var count] => FailingSaves.Run(root, int.Parse(count, CultureInfo.InvariantCulture)),
        ["lock-hold", var root] => Modes.LockHold(root),
        ["lock-try", var root] => Modes.LockTry(root, waitForGo: false),
        ["lock-try", var root, "--go"] => Modes.LockTry(root, waitForGo: true),
        ["flush-true", var path] => Modes.FlushTrue(path),
        ["train", .. var rest] => TrainLoop.Run(rest),
        ["fence-writer", var root] => FencingModes.Writer(root, takeOver: false),
        ["fence-writer", var root, "--take-over"] => FencingModes.Writer(root, takeOver: true),
        ["fence-loop", var root] => FencingModes.Loop(root),
        ["publish-race", var directory] => FencingModes.PublishRace(directory),
        ["bg-save-loop", var root, var mib] => BackgroundSaveLoop.Run(root, int.Parse(mib, CultureInfo.InvariantCulture)),
        _ => Usage(),
    };
}
catch (Exception ex)
{
    Console.Error.WriteLine($"UNEXPECTED {ex}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine(
        "usage: Checkpointing.TestChild save-loop ROOT [payloadBytes [--no-dir-fsync]] | save-once ROOT STEP [COUNT] | save-failing ROOT N | session ROOT [--read-only] | journal-commit ROOT [padBytes] | journal-check ROOT | check ROOT | " +
        "lock-hold ROOT | lock-try ROOT [--go] | flush-true PATH | bg-save-loop ROOT MIB | " +
        "fence-writer ROOT [--take-over] | fence-loop ROOT | publish-race DIR | " +
        "train ROOT UNITS [--seed S] [--unit-ms M] [--save-every K] [--mode finish|abandon] [--fail-at U] [--slow-final-save]");
    return 2;
}
