namespace Checkpointing.Interop;

/// <summary>Linux errno values the store reacts to, and their names for error messages.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ENOSYS = 38;
    public const int EDQUOT = 122;
    public const int EOPNOTSUPP = 95;

    public static bool IsWouldBlock(int errno) => errno == EAGAIN || (OperatingSystem.IsMacOS() && errno == 35);

    /// <summary>Space and quota errors can clear once space is freed; everything else is treated as permanent.</summary>
    public static bool IsTransient(int errno) => errno is ENOSPC or EDQUOT or EINTR or EAGAIN;

    /// <summary>The symbolic name (<c>ENOSPC</c>), or <c>errno_N</c> for one not listed here: a metric tag from a bounded set.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => nameof(EPERM),
        ENOENT => nameof(ENOENT),
        EINTR => nameof(EINTR),
        EIO => nameof(EIO),
        EAGAIN => nameof(EAGAIN),
        EACCES => nameof(EACCES),
        EEXIST => nameof(EEXIST),
        EXDEV => nameof(EXDEV),
        ENOTDIR => nameof(ENOTDIR),
        EISDIR => nameof(EISDIR),
        EINVAL => nameof(EINVAL),
        ENOSPC => nameof(ENOSPC),
        EROFS => nameof(EROFS),
        ENOSYS => nameof(ENOSYS),
        EDQUOT => nameof(EDQUOT),
        EOPNOTSUPP => nameof(EOPNOTSUPP),
        _ => "errno_" + errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static string Describe(int errno) => errno switch
    {
        EPERM => "EPERM (operation not permitted)",
        ENOENT => "ENOENT (no such file or directory)",
        EIO => "EIO (input/output error)",
        EACCES => "EACCES (permission denied)",
        EEXIST => "EEXIST (file exists)",
        ENOSPC => "ENOSPC (no space left on device)",
        EROFS => "EROFS (read-only file system)",
        EDQUOT => "EDQUOT (disk quota exceeded)",
        _ => $"errno {errno} ({new System.ComponentModel.Win32Exception(errno).Message})",
    };
}
