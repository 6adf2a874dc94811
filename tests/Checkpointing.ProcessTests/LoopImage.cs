using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Checkpointing.ProcessTests;

/// <summary>
/// A real file system (ext4, xfs or btrfs) made in a sparse image file and mounted through a loop
/// device, from which power-cut images are copied. The loop device writes what the file system
/// submits into the image file's page cache, so a copy of the image file holds exactly what the
/// file system had sent to its "disk": what it still kept in its own page cache or in a journal
/// transaction not yet committed is missing, as after a power cut. Disposing unmounts (lazily if it
/// must), detaches the loop device and deletes the image.
/// </summary>
internal sealed class LoopImage : IDisposable
{
    private LoopImage(string fileSystem, string imagePath, string device, string mountPoint)
    {
        FileSystem = fileSystem;
        ImagePath = imagePath;
        Device = device;
        MountPoint = mountPoint;
    }

    public string FileSystem { get; }

    public string ImagePath { get; }

    public string Device { get; }

    public string MountPoint { get; }

    /// <summary>Why images of <paramref name="fileSystem"/> cannot be made here, or null when they can.</summary>
    public static string? Unavailable(string fileSystem)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "loop-mounted file system images need Linux";
        }

        if (Environment.UserName != "root")
        {
            return $"mounting loop images needs root (running as {Environment.UserName})";
        }

        foreach (var tool in new[] { "mkfs." + fileSystem, "losetup", "mount", "umount", "cp" })
        {
            if (ChildHost.FindOnPath(tool) is null)
            {
                var package = fileSystem switch { "xfs" => "xfsprogs", "btrfs" => "btrfs-progs", _ => "e2fsprogs" };
                return $"{tool} is not on PATH (apt-get install -y {package})";
            }
        }

        return File.ReadAllText("/proc/filesystems").Contains(fileSystem, StringComparison.Ordinal) ? null : $"the kernel does not support {fileSystem}";
    }

    /// <summary>A scratch directory for images: tmpfs when there is one, so the loop device's flushes cost nothing and nothing touches the disk.</summary>
    public static string ScratchDirectory()
    {
        var parent = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var path = Path.Combine(parent, "ckpt-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Makes a fresh file system in a sparse image file in <paramref name="directory"/> and mounts it.</summary>
    public static LoopImage Create(string fileSystem, string directory)
    {
        var imagePath = Path.Combine(directory, fileSystem + ".img");
        using (var image = new FileStream(imagePath, FileMode.CreateNew, FileAccess.Write))
        {
            // The smallest sizes each mkfs accepts comfortably: xfsprogs 6.1 refuses < 300 MB, btrfs < ~114 MB. Sparse, so they cost what is written.
            image.SetLength(fileSystem switch { "xfs" => 320L << 20, "btrfs" => 160L << 20, _ => 64L << 20 });
        }

        switch (fileSystem)
        {
            case "ext4":
                Command.Run("mkfs.ext4", "-q", "-F", imagePath);
                break;
            case "xfs":
                Command.Run("mkfs.xfs", "-q", "-f", imagePath);
                break;
            case "btrfs":
                Command.Run("mkfs.btrfs", "-q", "-f", imagePath);
                break;
            default:
                throw new ArgumentException($"unsupported file system '{fileSystem}'", nameof(fileSystem));
        }

        var mountPoint = Path.Combine(directory, "mnt");
        Directory.CreateDirectory(mountPoint);
        var device = Command.Run("losetup", "--find", "--show", imagePath).Trim();
        try
        {
            // ext4 and btrfs commit their journal / transaction every 5 s and 30 s by default on their own.
            // commit=60 keeps those background commits out of a test of a few tens of seconds, so that only
            // the saves' own fsyncs make anything durable: a missing fsync shows instead of being covered by
            // a timer that would not have fired before a real power cut. xfs has no such option; its log
            // worker forces the log every 30 s (fs.xfs.xfssyncd_centisecs, left alone as it is system-wide).
            var options = fileSystem is "ext4" or "btrfs" ? "commit=60" : "defaults";
            Command.Run("mount", "-t", fileSystem, "-o", options, device, mountPoint);
        }
        catch
        {
            Command.TryRun("losetup", "-d", device);
            throw;
        }

        return new LoopImage(fileSystem, imagePath, device, mountPoint);
    }

    /// <summary>
    /// Copies the image file to <paramref name="copyPath"/> while no write reaches the loop device, so the
    /// copy is one instant of the "disk", not a mix of before and after a background write (xfsaild,
    /// a timer commit). The device's write, discard and flush counters and its in-flight count are read
    /// before and after; when anything moved, the copy is taken again. Returns how many copies were discarded.
    /// </summary>
    public int CopyCrashImage(string copyPath)
    {
        var statPath = $"/sys/block/{Path.GetFileName(Device)}/stat";
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var before = WriteSignature(statPath);
            if (before is not null)
            {
                File.Delete(copyPath);
                Command.Run("cp", "--sparse=always", ImagePath, copyPath);
                if (WriteSignature(statPath) == before)
                {
                    return attempt;
                }
            }

            Thread.Sleep(5);
        }

        throw new InvalidOperationException($"{Device} kept writing during 100 copies of {ImagePath}; no consistent crash image could be taken.");
    }

    /// <summary>Mounts a crash image read-write, so its journal or log is replayed as on the next boot.</summary>
    public MountedCopy MountCopy(string copyPath, string mountPoint)
    {
        Directory.CreateDirectory(mountPoint);
        var device = Command.Run("losetup", "--find", "--show", copyPath).Trim();
        try
        {
            // xfs refuses a second mount of the same UUID (the original is still mounted) unless told nouuid.
            // btrfs (kernel 6.7 and later) mounts a single-device clone of a mounted file system under a
            // temporary fsid by itself. ext4 does not care.
            var options = FileSystem == "xfs" ? "nouuid" : "defaults";
            Command.Run("mount", "-t", FileSystem, "-o", options, device, mountPoint);
        }
        catch
        {
            Command.TryRun("losetup", "-d", device);
            throw;
        }

        return new MountedCopy(device, mountPoint);
    }

    public void Dispose()
    {
        Unmount(Device, MountPoint);
        File.Delete(ImagePath);
    }

    private static void Unmount(string device, string mountPoint)
    {
        if (!Command.TryRun("umount", mountPoint))
        {
            Command.TryRun("umount", "-l", mountPoint);
        }

        Command.TryRun("losetup", "-d", device);
    }

    /// <summary>Writes, in-flight requests, discards and flushes of a block device (Documentation/block/stat.rst), or null while a request is in flight.</summary>
    private static string? WriteSignature(string statPath)
    {
        var fields = File.ReadAllText(statPath).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields[8] != "0")
        {
            return null;
        }

        return string.Join(' ', fields[4], fields[6], fields.Length > 11 ? fields[11] : "-", fields.Length > 15 ? fields[15] : "-");
    }

    /// <summary>A mounted crash image; disposing unmounts it and detaches its loop device.</summary>
    internal sealed class MountedCopy(string device, string mountPoint) : IDisposable
    {
        public string MountPoint => mountPoint;

        public void Dispose() => Unmount(device, mountPoint);
    }
}

/// <summary>Runs the system tools the crash images need, and sends signals.</summary>
internal static class Command
{
    private const int SigKill = 9;
    private const int SigStop = 19;

    /// <summary>Runs a tool to completion; returns its stdout, throws with its stderr when it fails.</summary>
    public static string Run(string fileName, params string[] arguments)
    {
        var (exit, stdout, stderr) = Execute(fileName, arguments);
        return exit == 0 ? stdout : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {exit}: {stderr.Trim()}");
    }

    /// <summary>Runs a tool to completion; false when it failed (for clean-up, which must go on).</summary>
    public static bool TryRun(string fileName, params string[] arguments) => Execute(fileName, arguments).Exit == 0;

    /// <summary>Sends SIGSTOP and returns true once every thread of the process is stopped (so it can no longer touch any file), false if it exited.</summary>
    public static bool Stop(int pid)
    {
        Signal(pid, SigStop);
        var started = Stopwatch.GetTimestamp();
        while (AllThreadsStopped(pid) is var stopped && stopped != true)
        {
            if (stopped is null)
            {
                return false;
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"process {pid} did not stop within a minute of SIGSTOP");
            }

            Thread.Sleep(1);
        }

        return true;
    }

    public static void Kill(int pid) => Signal(pid, SigKill);

    /// <summary>True when every thread is stopped, false while one still runs, null when the process is gone.</summary>
    private static bool? AllThreadsStopped(int pid)
    {
        var tasks = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
        try
        {
            foreach (var task in Directory.EnumerateDirectories(tasks))
            {
                // The state is the field after the command name, which is in parentheses and may contain anything.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var state = stat[stat.LastIndexOf(')') + 2];
                if (state is 'Z' or 'X')
                {
                    return null;
                }

                if (state is not ('T' or 't'))
                {
                    return false;
                }
            }
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            return null;
        }

        return true;
    }

    private static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static (int Exit, string Stdout, string Stderr) Execute(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }

    // DllImport, not LibraryImport: the latter needs unsafe code in this project for one blittable call.
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
}
