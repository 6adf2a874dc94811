using System.Collections.Concurrent;
using System.Globalization;

namespace Checkpointing.Storage;

/// <summary>
/// The temp files writers create in a run directory, <c>&lt;final name&gt;.tmp-&lt;pid&gt;[-&lt;hex&gt;]</c>, and the
/// ones this process has in use, so that a writer opening the run removes only those no live process may still use.
/// </summary>
internal static class TemporaryFiles
{
    public const string Marker = ".tmp-";

    private static readonly string ProcessIdText = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    // Full paths of the temp files this process has created and not yet renamed or deleted.
    private static readonly ConcurrentDictionary<string, byte> InUse = new(StringComparer.Ordinal);

    /// <summary>A temp name for <paramref name="finalName"/> carrying this process's id; with <paramref name="unique"/>, also a random suffix.</summary>
    public static string NameFor(string finalName, bool unique) =>
        unique
            ? finalName + Marker + ProcessIdText + "-" + Random.Shared.Next().ToString("x8", CultureInfo.InvariantCulture)
            : finalName + Marker + ProcessIdText;

    /// <summary>Marks the temp file at <paramref name="path"/> as in use by this process until <see cref="Release"/>.</summary>
    public static void Claim(string path) => InUse.TryAdd(path, 0);

    public static void Release(string path) => InUse.TryRemove(path, out _);

    /// <summary>
    /// False when the temp file at <paramref name="path"/> is certainly left over: its name carries no process id, or the id
    /// of a process that is gone, or this process's id while this process does not use it (an earlier process with the same id,
    /// as after a container restart). True when the id is another live process's (it may be writing it), or possibly a process
    /// that reused the id of the one that left it: the file is then left for a later open.
    /// </summary>
    public static bool MayBeInUse(string name, string path, Func<int, bool> isAlive)
    {
        if (ProcessIdOf(name) is not int pid)
        {
            return false;
        }

        return pid == Environment.ProcessId ? InUse.ContainsKey(path) : isAlive(pid);
    }

    /// <summary>The process id in a temp file name (the digits after the last <c>.tmp-</c>), or null.</summary>
    internal static int? ProcessIdOf(string name)
    {
        var at = name.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = name.AsSpan(at + Marker.Length);
        var end = rest.IndexOf('-');
        var digits = end < 0 ? rest : rest[..end];
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }
}
