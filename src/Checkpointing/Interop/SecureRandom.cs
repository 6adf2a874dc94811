using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Checkpointing.Interop;

/// <summary>
/// Cryptographically random bytes. On Linux straight from getrandom(2): <see cref="RandomNumberGenerator"/>
/// would load OpenSSL (libssl, libcrypto and its configuration) in a process's first save, for eight bytes.
/// </summary>
internal static class SecureRandom
{
    public static void Fill(Span<byte> destination)
    {
        if (OperatingSystem.IsLinux() && TryGetRandom(destination))
        {
            return;
        }

        FillWithRandomNumberGenerator(destination);
    }

    // Its own method, so that the fast path does not even load System.Security.Cryptography.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FillWithRandomNumberGenerator(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    private static unsafe bool TryGetRandom(Span<byte> destination)
    {
        fixed (byte* p = destination)
        {
            var filled = 0;
            while (filled < destination.Length)
            {
                var n = Libc.GetRandom(p + filled, (nuint)(destination.Length - filled), 0);
                if (n <= 0)
                {
                    // EINTR, or ENOSYS on a kernel older than 3.17: let .NET's generator do it.
                    return false;
                }

                filled += (int)n;
            }
        }

        return true;
    }
}
