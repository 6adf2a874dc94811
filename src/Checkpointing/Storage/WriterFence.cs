using System.Globalization;

namespace Checkpointing.Storage;

/// <summary>Generation <see cref="Generation"/> lost the run by a takeover when its newest checkpoint was at step <see cref="Step"/>.</summary>
internal readonly record struct WriterFence(long Generation, long Step)
{
    public static bool TryParse(ReadOnlySpan<char> text, out WriterFence fence)
    {
        fence = default;
        var colon = text.IndexOf(':');
        if (colon < 0
            || !long.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var generation)
            || !long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            return false;
        }

        fence = new WriterFence(generation, step);
        return true;
    }
}
