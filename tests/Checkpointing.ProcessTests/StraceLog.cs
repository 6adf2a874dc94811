using System.Text.RegularExpressions;

namespace Checkpointing.ProcessTests;

/// <summary>Reads an <c>strace -f</c> log into one line per system call.</summary>
internal static partial class StraceLog
{
    /// <summary>
    /// The log's lines, with each call that another thread interrupted (<c>fsync(5&lt;…&gt; &lt;unfinished …&gt;</c>
    /// then <c>&lt;… fsync resumed&gt;) = 0</c>) joined back into one line, so that no call is lost when threads interleave.
    /// </summary>
    public static IEnumerable<string> Lines(string path)
    {
        var pending = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var unfinished = Unfinished().Match(line);
            if (unfinished.Success)
            {
                pending[unfinished.Groups["tid"].Value] = unfinished.Groups["start"].Value;
                continue;
            }

            var resumed = Resumed().Match(line);
            if (resumed.Success && pending.Remove(resumed.Groups["tid"].Value, out var start))
            {
                yield return start + resumed.Groups["rest"].Value;
                continue;
            }

            yield return line;
        }
    }

    [GeneratedRegex(@"^(?<start>(?<tid>\d+)\s+.*?)\s*<unfinished \.\.\.>$")]
    private static partial Regex Unfinished();

    [GeneratedRegex(@"^(?<tid>\d+)\s+<\.\.\. \w+ resumed>\s*(?<rest>.*)$")]
    private static partial Regex Resumed();
}
