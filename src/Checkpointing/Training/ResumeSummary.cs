using System.Globalization;
using System.Text;

namespace Checkpointing.Training;

/// <summary>
/// What a restarting run should tell its user: which checkpoint it resumes from, how far along that
/// was, how long ago it was written, how it ended, how much work is redone and how often the run has
/// been stopped before. <see cref="ToString"/> renders it as a short block of text.
/// </summary>
public sealed record ResumeSummary
{
    /// <summary>The id of the checkpoint the run resumes from.</summary>
    public required string CheckpointId { get; init; }

    /// <summary>Its step: the work it contains.</summary>
    public required long Step { get; init; }

    /// <summary>The planned total, when known.</summary>
    public long? TotalSteps { get; init; }

    /// <summary>100 × Step / TotalSteps, when the total is known.</summary>
    public double? ProgressPercent => TotalSteps is > 0 ? 100.0 * Step / TotalSteps.Value : null;

    /// <summary>When the checkpoint was written (UTC).</summary>
    public required DateTimeOffset TimestampUtc { get; init; }

    /// <summary>How long ago it was written (never negative, even if clocks disagree).</summary>
    public required TimeSpan Age { get; init; }

    /// <summary>How the session that wrote it was doing at the time.</summary>
    public required CheckpointStatus Status { get; init; }

    /// <summary>The signal that interrupted that session (the checkpoint's <c>signal</c> tag), or null.</summary>
    public string? Signal { get; init; }

    /// <summary>The error that stopped that session (the checkpoint's <c>error</c> tag), or null.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// How many sessions (runs of the program) had worked on the run before this restart: the
    /// checkpoint's <c>sessions</c> tag, or 1 when the tag is absent. A session that crashed before its
    /// first save is not counted, since nothing records it.
    /// </summary>
    public required int PreviousSessions { get; init; }

    /// <summary>
    /// How many times the run has stopped before its work was done (signal, kill, crash or failure):
    /// every previous session, except the last one when the checkpoint says <see cref="CheckpointStatus.Completed"/>.
    /// </summary>
    public int Interruptions => Status == CheckpointStatus.Completed ? PreviousSessions - 1 : PreviousSessions;

    /// <summary>
    /// Whether the previous session saved when it stopped (status Interrupted or Completed), so no
    /// finished work is redone. False after a crash, a kill or a failure: work after <see cref="Step"/>
    /// is redone.
    /// </summary>
    public bool SavedOnStop => Status is CheckpointStatus.Interrupted or CheckpointStatus.Completed;

    /// <summary>A sentence on what work is redone.</summary>
    public string WorkRedone => Status switch
    {
        CheckpointStatus.Interrupted => "none: the run saved when it stopped",
        CheckpointStatus.Completed => "none: the run had completed",
        CheckpointStatus.Failed => $"the run failed after step {Format(Step)}; the work after it is run again",
        _ => $"the run stopped without a final save; work after step {Format(Step)} is redone",
    };

    /// <summary>Newer checkpoints that were damaged and passed over (they are quarantined, not deleted).</summary>
    public IReadOnlyList<SkippedCheckpoint> Skipped { get; init; } = [];

    /// <summary>
    /// Summarises the checkpoint <paramref name="manager"/> would resume from (verifying it), or returns
    /// null when the run has none. When the state is loaded anyway, prefer
    /// <see cref="From{T}(ResumeResult{T}, TimeProvider?)"/>, which reads nothing.
    /// </summary>
    /// <exception cref="CheckpointCorruptException">Checkpoints exist but none is valid.</exception>
    public static ResumeSummary? Describe(CheckpointManager manager, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return manager.GetRecoveryInfo() is { } info ? From(info, time) : null;
    }

    /// <summary>Summarises <paramref name="info"/>.</summary>
    public static ResumeSummary From(RecoveryInfo info, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        return From(info.Checkpoint, info.Skipped, time);
    }

    /// <summary>Summarises what <see cref="CheckpointManager.Resume{T}(Func{T})"/> loaded, or returns null on a fresh start.</summary>
    public static ResumeSummary? From<T>(ResumeResult<T> result, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Checkpoint is { } checkpoint ? From(checkpoint, result.Skipped, time) : null;
    }

    /// <summary>Summarises <paramref name="checkpoint"/>.</summary>
    /// <param name="checkpoint">The checkpoint being resumed from.</param>
    /// <param name="skipped">Damaged newer checkpoints that were passed over; null for none.</param>
    /// <param name="time">The clock for <see cref="Age"/>; null for <see cref="TimeProvider.System"/>.</param>
    public static ResumeSummary From(CheckpointMetadata checkpoint, IReadOnlyList<SkippedCheckpoint>? skipped = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var age = now - checkpoint.TimestampUtc;
        var sessions = checkpoint.Tags.TryGetValue(TrainingCheckpointCallback.SessionsTag, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1
            ? parsed
            : 1;
        return new ResumeSummary
        {
            CheckpointId = checkpoint.Id,
            Step = checkpoint.Step,
            TotalSteps = checkpoint.TotalSteps,
            TimestampUtc = checkpoint.TimestampUtc,
            Age = age < TimeSpan.Zero ? TimeSpan.Zero : age,
            Status = checkpoint.Status,
            Signal = checkpoint.Tags.GetValueOrDefault(TrainingCheckpointCallback.SignalTag),
            Error = checkpoint.Tags.GetValueOrDefault(TrainingCheckpointCallback.ErrorTag),
            PreviousSessions = sessions,
            Skipped = skipped ?? [],
        };
    }

    /// <summary>Renders the summary as an indented block, one fact per line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Checkpoint:   {CheckpointId}").AppendLine();
        text.Append("Progress:     step ").Append(Format(Step));
        if (TotalSteps is { } total)
        {
            text.Append(CultureInfo.InvariantCulture, $" of {Format(total)} ({ProgressPercent:0.0}%)");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Written:      {TimestampUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({DescribeAge(Age)} ago)").AppendLine();
        text.Append("Status:       ").Append(Status.ToString());
        if (Signal is not null)
        {
            text.Append(" (").Append(Signal).Append(')');
        }
        else if (Error is not null)
        {
            text.Append(" (").Append(Error.ReplaceLineEndings(" ")).Append(')');
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Work redone:  {WorkRedone}").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Sessions:     {PreviousSessions} before this one; stopped early {Interruptions} time{(Interruptions == 1 ? string.Empty : "s")}");
        if (Skipped.Count > 0)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"Skipped:      {Skipped.Count} damaged newer checkpoint{(Skipped.Count == 1 ? string.Empty : "s")} (quarantined)");
        }

        return text.ToString();
    }

    /// <summary>A short human form of a duration: <c>42 s</c>, <c>3 min 12 s</c>, <c>2 h 5 min</c>, <c>3 d 4 h</c>.</summary>
    internal static string DescribeAge(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{Format((long)age.TotalSeconds)} s",
        { TotalMinutes: < 60 } => $"{Format(age.Minutes)} min {Format(age.Seconds)} s",
        { TotalHours: < 24 } => $"{Format(age.Hours)} h {Format(age.Minutes)} min",
        _ => $"{Format((long)age.TotalDays)} d {Format(age.Hours)} h",
    };

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
