using System.Globalization;
using Checkpointing.Cli.Reports;

namespace Checkpointing.Cli.Runs;

/// <summary>
/// Tells whether a run's <c>writer.lock</c> is held right now, and by whom, without ever taking a lock:
/// the record (pid, host) is read with .NET's file locking off (see the project file), and on Linux the
/// holder is confirmed in <c>/proc/locks</c> by the lock file's inode; elsewhere a live pid on this host counts.
/// </summary>
internal static class WriterLockProbe
{
    private const string LockFileName = "writer.lock";

    /// <summary>The live holder, or null when the run is not being written.</summary>
    public static WriterHolder? FindHolder(string runDirectory)
    {
        var path = Path.Combine(runDirectory, LockFileName);
        int? pid = null;
        string? host = null;
        ulong? inode = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            inode = OpenFileInode(stream);
            using var reader = new StreamReader(stream);
            foreach (var line in reader.ReadToEnd().Split('\n'))
            {
                if (line.StartsWith("pid=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
                {
                    pid = p;
                }
                else if (line.StartsWith("host=", StringComparison.Ordinal))
                {
                    host = line[5..];
                }
            }
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            // Only a lock could refuse a shared read here (file locking switched back on): someone holds it.
            return new WriterHolder(null, null);
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        if (OperatingSystem.IsLinux() && inode is ulong ino && File.Exists("/proc/locks"))
        {
            var lockingPid = FindFlockHolder(ino);
            return lockingPid is null ? null : new WriterHolder(lockingPid, lockingPid == pid ? host : null);
        }

        var sameHost = host is null || string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase);
        return pid is int alive && sameHost && IsAlive(alive) ? new WriterHolder(alive, host) : null;
    }

    /// <summary>The pid holding an exclusive flock on the file with this inode, from /proc/locks.</summary>
    private static int? FindFlockHolder(ulong inode)
    {
        foreach (var line in File.ReadLines("/proc/locks"))
        {
            // "1: FLOCK  ADVISORY  WRITE 5928 fd:01:1234567 0 EOF"; blocked waiters have "->" in place of the number.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1] != "FLOCK" || fields[3] != "WRITE")
            {
                continue;
            }

            var id = fields[5].Split(':');
            if (id.Length == 3 && ulong.TryParse(id[2], NumberStyles.None, CultureInfo.InvariantCulture, out var lockedInode) && lockedInode == inode
                && int.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var holder))
            {
                return holder;
            }
        }

        return null;
    }

    /// <summary>The inode of an open file, from /proc/self/fdinfo (Linux); null elsewhere.</summary>
    private static ulong? OpenFileInode(FileStream stream)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var fd = stream.SafeFileHandle.DangerousGetHandle().ToInt64();
        var info = $"/proc/self/fdinfo/{fd.ToString(CultureInfo.InvariantCulture)}";
        if (!File.Exists(info))
        {
            return null;
        }

        foreach (var line in File.ReadLines(info))
        {
            if (line.StartsWith("ino:", StringComparison.Ordinal) && ulong.TryParse(line.AsSpan(4).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var ino))
            {
                return ino;
            }
        }

        return null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
