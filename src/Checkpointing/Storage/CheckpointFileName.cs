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
    private const string Prefix = "checkpoint_step_";

    // Get-only, so that no `with` can change a part under a remembered Id: a save and its retention
    // ask for the Id and FileName about a dozen times, and they are formatted once.
    public long Step { get; } = Step;

    public DateTime TimestampUtc { get; } = TimestampUtc;

    public int Discriminator { get; } = Discriminator;

    /// <summary><c>checkpoint_step_&lt;step&gt;_&lt;yyyyMMdd_HHmmss&gt;[_n]</c>.</summary>
    public string Id => field ??= FormatId(Step, TimestampUtc, Discriminator);

    public string FileName => field ??= Id + LocalDirectoryStore.CheckpointExtension;

    /// <summary>Equal parts (the remembered texts are derived from them and do not count).</summary>
    public bool Equals(CheckpointFileName? other) =>
        other is not null && Step == other.Step && TimestampUtc == other.TimestampUtc && Discriminator == other.Discriminator;

    public override int GetHashCode() => HashCode.Combine(Step, TimestampUtc, Discriminator);

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

    /// <summary>The same text as <c>$"checkpoint_step_{Step}_{TimestampUtc:yyyyMMdd_HHmmss}[_{Discriminator}]"</c> in the invariant culture, without parsing a format string.</summary>
    private static string FormatId(long step, DateTime timestamp, int discriminator)
    {
        Span<char> text = stackalloc char[Prefix.Length + 20 + 16 + 11];
        Prefix.CopyTo(text);
        var length = Prefix.Length;
        step.TryFormat(text[length..], out var written, default, CultureInfo.InvariantCulture);
        length += written;
        text[length++] = '_';
        length += Digits(text[length..], timestamp.Year, 4);
        length += Digits(text[length..], timestamp.Month, 2);
        length += Digits(text[length..], timestamp.Day, 2);
        text[length++] = '_';
        length += Digits(text[length..], timestamp.Hour, 2);
        length += Digits(text[length..], timestamp.Minute, 2);
        length += Digits(text[length..], timestamp.Second, 2);
        if (discriminator != 0)
        {
            text[length++] = '_';
            discriminator.TryFormat(text[length..], out written, default, CultureInfo.InvariantCulture);
            length += written;
        }

        return new string(text[..length]);
    }

    /// <summary>Writes a non-negative <paramref name="value"/> of at most <paramref name="count"/> digits, zero-padded.</summary>
    private static int Digits(Span<char> destination, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }

        return count;
    }

    [GeneratedRegex(@"^checkpoint_step_(\d{1,19})_(\d{8}_\d{6})(?:_(\d{1,9}))?\.ckpt$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
