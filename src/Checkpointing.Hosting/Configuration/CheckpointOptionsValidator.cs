using Microsoft.Extensions.Options;

namespace Checkpointing.Hosting.Configuration;

/// <summary>
/// The range rules of <see cref="CheckpointManager"/>'s own checks, run at start-up (with
/// <c>ValidateOnStart</c>) so a bad setting stops the host before any work, with a message naming the
/// configuration key when the options came from configuration.
/// </summary>
/// <param name="sectionPath">The configuration section the options are bound from, or null when they are set in code only.</param>
internal sealed class CheckpointOptionsValidator(string? sectionPath) : IValidateOptions<CheckpointOptions>
{
    public ValidateOptionsResult Validate(string? name, CheckpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string property, string problem) =>
            failures.Add(sectionPath is null ? $"CheckpointOptions.{property} {problem}" : $"{sectionPath}:{property} (CheckpointOptions.{property}) {problem}");

        if (string.IsNullOrWhiteSpace(options.RootDirectory))
        {
            Fail(nameof(options.RootDirectory), "is empty; it must name the directory that holds the runs, e.g. /var/lib/myworker/checkpoints.");
        }

        if (options.KeepLastN is < 1)
        {
            Fail(nameof(options.KeepLastN), $"is {options.KeepLastN}; it must be at least 1, or empty (null) to keep every checkpoint.");
        }

        if (options.KeepBestN < 0)
        {
            Fail(nameof(options.KeepBestN), $"is {options.KeepBestN}; it must be 0 or more.");
        }

        if (options.KeepEvery is { } every && every <= TimeSpan.Zero)
        {
            Fail(nameof(options.KeepEvery), $"is {every}; it must be positive, e.g. 01:00:00, or empty (null) to turn it off.");
        }

        if (options.MaxTotalBytes is <= 0)
        {
            Fail(nameof(options.MaxTotalBytes), $"is {options.MaxTotalBytes}; it must be a positive number of bytes, or empty (null) for no cap.");
        }

        if (!Enum.IsDefined(options.Compression))
        {
            Fail(nameof(options.Compression), $"has the undefined value {(int)options.Compression}; use None, Gzip or Zstd.");
        }

        if (!Enum.IsDefined(options.BestMetricMode))
        {
            Fail(nameof(options.BestMetricMode), $"has the undefined value {(int)options.BestMetricMode}; use Min or Max.");
        }

        if (!Enum.IsDefined(options.WhenBackgroundSaveBusy))
        {
            Fail(nameof(options.WhenBackgroundSaveBusy), $"has the undefined value {(int)options.WhenBackgroundSaveBusy}; use Wait, Skip or Coalesce.");
        }

        if (options.ReadOnly && options.TakeOverLock)
        {
            Fail(nameof(options.TakeOverLock), "is true while ReadOnly is true; a read-only manager takes no lock. Set one of them.");
        }

        if (options.TakeOverLock && !OperatingSystem.IsLinux())
        {
            Fail(nameof(options.TakeOverLock), "is true, which is supported on Linux only.");
        }

        if (options.TimeProvider is null)
        {
            Fail(nameof(options.TimeProvider), "is null; leave it unset for the system clock.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
