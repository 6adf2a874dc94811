using System.Diagnostics;
using System.Globalization;

namespace Checkpointing.ProcessTests;

/// <summary>
/// A small real file system mounted for one test (a tmpfs, or an ext4 image on a loop device), unmounted on
/// dispose even when the test failed (<c>umount -l</c> when a plain unmount is refused). Needs root.
/// </summary>
internal sealed class FaultFileSystem : IDisposable
{
    private readonly string? _image;
    private readonly List<string> _mounts = [];
    private string? _backing;

    private FaultFileSystem(string mountPoint, string kind, string? image)
    {
        MountPoint = mountPoint;
        Kind = kind;
        _image = image;
    }

    /// <summary>Where the file system is mounted.</summary>
    public string MountPoint { get; }

    /// <summary><c>tmpfs</c>, <c>ext4</c> or <c>ext4-thin</c>.</summary>
    public string Kind { get; }

    /// <summary>Mounts a <paramref name="kind"/> file system of <paramref name="mebibytes"/> MiB under <paramref name="parent"/>.</summary>
    public static FaultFileSystem Mount(string kind, string parent, int mebibytes)
    {
        var mountPoint = Path.Combine(parent, kind + "-mnt");
        Directory.CreateDirectory(mountPoint);
        string? image = null;
        if (kind == "ext4")
        {
            image = Path.Combine(parent, "ext4.img");
            using (var file = File.Create(image))
            {
                file.SetLength(mebibytes * 1024L * 1024L);
            }

            // -m 0: no blocks reserved for root, so root (these tests) sees ENOSPC where a user would.
            Run("mkfs.ext4", "-q", "-F", "-m", "0", image);
        }

        var fs = new FaultFileSystem(mountPoint, kind, image);
        if (kind == "ext4")
        {
            fs.MountAt(mountPoint, "-o", "loop", image!);
        }
        else
        {
            fs.MountAt(mountPoint, "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={mebibytes}m,mode=0755"), "tmpfs");
        }

        return fs;
    }

    /// <summary>
    /// Null when this process may mount file systems; else why not. The caller fails in CI and skips elsewhere,
    /// saying so.
    /// </summary>
    public static string? WhyCannotMount()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "these tests mount Linux file systems";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "mounting a tmpfs or loop device needs root (run the tests as root, as CI does)";
        }

        foreach (var tool in new[] { "mount", "umount", "mkfs.ext4", "e2fsck" })
        {
            if (FindTool(tool) is null)
            {
                return $"'{tool}' is not installed";
            }
        }

        return null;
    }

    /// <summary>
    /// An ext4 of <paramref name="imageMiB"/> MiB in a sparse image on a tmpfs of only <paramref name="backingMiB"/> MiB: thin
    /// provisioning. ext4 believes it has room, so writes succeed into the page cache, and the backing store runs out
    /// when they are written back (fsync).
    /// </summary>
    public static FaultFileSystem MountThin(string parent, int backingMiB, int imageMiB)
    {
        var backing = Path.Combine(parent, "backing-mnt");
        Directory.CreateDirectory(backing);
        var mountPoint = Path.Combine(parent, "ext4-thin-mnt");
        Directory.CreateDirectory(mountPoint);
        var image = Path.Combine(backing, "thin.img");
        var fs = new FaultFileSystem(mountPoint, "ext4-thin", image);
        try
        {
            fs.MountAt(backing, "-t", "tmpfs", "-o", string.Create(CultureInfo.InvariantCulture, $"size={backingMiB}m,mode=0755"), "tmpfs");
            fs._backing = backing;
            using (var file = File.Create(image))
            {
                file.SetLength(imageMiB * 1024L * 1024L);
            }

            Run("mkfs.ext4", "-q", "-F", "-m", "0", image);
            fs.MountAt(mountPoint, "-o", "loop", image);
        }
        catch
        {
            fs.Dispose();
            throw;
        }

        return fs;
    }

    /// <summary>Whether the kernel now has this file system mounted read-only (ext4 does so itself after an I/O error).</summary>
    public bool IsReadOnlyNow() =>
        File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).Any(f => f.Length > 3 && f[1] == MountPoint && f[3].Split(',').Contains("ro"));

    /// <summary>
    /// Thin only: unmounts the ext4, gives its backing store <paramref name="backingMiB"/> MiB, repairs the image with
    /// e2fsck (as an administrator would after the error) and mounts it again read-write.
    /// </summary>
    public string GrowBackingAndRepair(int backingMiB)
    {
        Run("umount", MountPoint);
        _mounts.Remove(MountPoint);
        Run("mount", "-o", string.Create(CultureInfo.InvariantCulture, $"remount,size={backingMiB}m"), _backing!);
        var (code, fsck) = Capture("e2fsck", ["-f", "-y", _image!]);
        if (code is not (0 or 1 or 2))
        {
            throw new InvalidOperationException($"e2fsck exited {code}: {fsck}");
        }

        MountAt(MountPoint, "-o", "loop", _image!);
        return $"e2fsck exit {code}";
    }

    /// <summary>Remounts read-only (<c>mount -o remount,ro</c>).</summary>
    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", MountPoint);

    /// <summary>Bind-mounts <paramref name="source"/> read-only at <paramref name="target"/>; unmounted on dispose.</summary>
    public void BindReadOnly(string source, string target)
    {
        Directory.CreateDirectory(target);
        MountAt(target, "--bind", source);
        Run("mount", "-o", "remount,bind,ro", target);
    }

    /// <summary>
    /// Writes a filler file until the file system is full, then gives back <paramref name="leaveBytes"/> so that
    /// much (roughly) is free; returns the free bytes the kernel then reports.
    /// </summary>
    public long Fill(string fillerPath, long leaveBytes)
    {
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)0xA5);
        using (var filler = new FileStream(fillerPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            try
            {
                while (true)
                {
                    filler.Write(chunk);
                }
            }
            catch (IOException)
            {
                // Full: a part of the last chunk may have gone in.
            }

            // Small writes fill the last partial blocks too.
            try
            {
                while (true)
                {
                    filler.Write(chunk.AsSpan(0, 512));
                }
            }
            catch (IOException)
            {
            }

            try
            {
                filler.Flush(flushToDisk: true);
            }
            catch (IOException)
            {
                // Whatever did not fit is not in the file; the length below is what matters.
            }

            if (leaveBytes > 0)
            {
                filler.SetLength(Math.Max(0, filler.Length - leaveBytes));
                filler.Flush(flushToDisk: true);
            }
        }

        Sync();
        return FreeBytes();
    }

    /// <summary>Bytes available to an unprivileged writer, as statfs reports them.</summary>
    public long FreeBytes() => new DriveInfo(MountPoint).AvailableFreeSpace;

    /// <summary>Runs sync(1) on the file system, so freed blocks are free again before the next step.</summary>
    public void Sync() => Run("sync", "-f", MountPoint);

    public void Dispose()
    {
        for (var i = _mounts.Count - 1; i >= 0; i--)
        {
            if (Exec("umount", _mounts[i]) != 0)
            {
                Exec("umount", "-l", _mounts[i]);
            }
        }

        if (_image is not null && _backing is null)
        {
            try
            {
                File.Delete(_image);
            }
            catch (IOException)
            {
                // Left for the TempRoot's deletion.
            }
        }
    }

    /// <summary>Runs a tool and fails with its output when it exits non-zero.</summary>
    public static void Run(string tool, params string[] args)
    {
        var (code, output) = Capture(tool, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {code}: {output}");
        }
    }

    private void MountAt(string target, params string[] args)
    {
        Run("mount", [.. args, target]);
        _mounts.Add(target);
    }

    private static int Exec(string tool, params string[] args) => Capture(tool, args).Code;

    private static (int Code, string Output) Capture(string tool, string[] args)
    {
        var info = new ProcessStartInfo(FindTool(tool) ?? tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + stderr).Trim());
    }

    private static string? FindTool(string name) =>
        ChildHost.FindOnPath(name) ?? new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" }.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
