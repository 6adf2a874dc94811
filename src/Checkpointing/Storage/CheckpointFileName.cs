using System.Globalization;
using System.Text.RegularExpressions;

namespace Checkpointing.Storage;

/// <summary>
/// The seed's file naming, <c>checkpoint_step_&lt;step&gt;_&lt;yyyyMMdd_HHmmss&gt;[_n].ckpt</c> (UTC), with a
/// discriminator <c>n</c> when two saves of one step fall in the same second.
/// </summary>
internal sealed partial record CheckpointFileName(long Step, DateTime TimestampUtc, int Discriminator) : IComparable<CheckpointFileName>
{
    private const string TimestampFormat = "yyyyMMdd_HHmmss";

    public string Id => Discriminator == 0
        ? $"checkpoint_step_{Step.ToString(CultureInfo.InvariantCulture)}_{TimestampUtc.ToString(TimestampFormat, CultureInfo.InvariantCulture)}"
        : $"checkpoint_step_{Step.ToString(CultureInfo.InvariantCulture)}_{TimestampUtc.ToString(TimestampFormat, CultureInfo.InvariantCulture)}_{Discriminator.ToString(CultureInfo.InvariantCulture)}";

    public string FileName => Id + LocalDirectoryStore.CheckpointExtension;

    public static CheckpointFileName Create(long step, DateTimeOffset now, int discriminator)
    {
        var utc = now.UtcDateTime;
        return new(step, new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc), discriminator);
    }

    public static bool TryParse(string fileName, out CheckpointFileName? parsed)
    {
        parsed = null;
        var match = Pattern().Match(fileName);
        if (!match.Success
            || !long.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            || !DateTime.TryParseExact(match.Groups[2].Value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return false;
        }

        var discriminator = 0;
        if (match.Groups[3].Success && !int.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out discriminator))
        {
            return false;
        }

        var candidate = new CheckpointFileName(step, DateTime.SpecifyKind(timestamp, DateTimeKind.Utc), discriminator);
        if (candidate.FileName != fileName)
        {
            return false;
        }

        parsed = candidate;
        return true;
    }

    /// <summary>Oldest first: by step, then time, then discriminator.</summary>
    public int CompareTo(CheckpointFileName? other)
    {
        if (other is null)
        {
            return 1;
        }

        var c = Step.CompareTo(other.Step);
        if (c == 0)
        {
            c = TimestampUtc.CompareTo(other.TimestampUtc);
        }

        return c != 0 ? c : Discriminator.CompareTo(other.Discriminator);
    }

    [GeneratedRegex(@"^checkpoint_step_(\d{1,19})_(\d{8}_\d{6})(?:_(\d{1,9}))?\.ckpt$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
