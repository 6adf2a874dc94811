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
        ["check", var root] => Modes.Check(root),
        ["journal-commit", var root] => JournalModes.Commit(root),
        ["journal-check", var root] => JournalModes.Check(root),
        ["save-failing", var root, var count] => FailingSaves.Run(root, int.Parse(count, CultureInfo.InvariantCulture)),
        ["lock-hold", var root] => Modes.LockHold(root),
        ["lock-try", var root] => Modes.LockTry(root, waitForGo: false),
        ["lock-try", var root, "--go"] => Modes.LockTry(root, waitForGo: true),
        ["flush-true", var path] => Modes.FlushTrue(path),
        ["train", .. var rest] => TrainLoop.Run(rest),
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
        "usage: Checkpointing.TestChild save-loop ROOT [payloadBytes [--no-dir-fsync]] | save-once ROOT STEP | save-failing ROOT N | journal-commit ROOT | journal-check ROOT | check ROOT | " +
        "lock-hold ROOT | lock-try ROOT [--go] | flush-true PATH | bg-save-loop ROOT MIB | " +
        "train ROOT UNITS [--seed S] [--unit-ms M] [--save-every K] [--mode finish|abandon] [--fail-at U] [--slow-final-save]");
    return 2;
}
