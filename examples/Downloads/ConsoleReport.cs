namespace Downloads;

/// <summary>
/// The console: lines from any worker, a progress line that rewrites itself on a terminal (and is
/// printed as a plain line now and then when the output is redirected), and with <c>--ack</c> the
/// machine-readable lines the process tests read.
/// </summary>
internal sealed class ConsoleReport(bool ack)
{
    private readonly Lock _gate = new();
    private int _progressWidth;

    public bool Live { get; } = !Console.IsOutputRedirected;

    public void Line(string text)
    {
        lock (_gate)
        {
            ClearProgress();
            Console.WriteLine(text);
        }
    }

    /// <summary>A machine-readable line, only with <c>--ack</c>.</summary>
    public void Trace(string text)
    {
        if (ack)
        {
            Line(text);
        }
    }

    public void Progress(string text)
    {
        lock (_gate)
        {
            if (Live)
            {
                Console.Write("\r" + text.PadRight(_progressWidth));
                _progressWidth = text.Length;
            }
            else
            {
                Console.WriteLine(text);
            }
        }
    }

    /// <summary>Ends the progress line so the next output starts on a line of its own.</summary>
    public void EndProgress()
    {
        lock (_gate)
        {
            if (_progressWidth > 0)
            {
                Console.WriteLine();
                _progressWidth = 0;
            }
        }
    }

    private void ClearProgress()
    {
        if (_progressWidth > 0)
        {
            Console.Write("\r" + new string(' ', _progressWidth) + "\r");
            _progressWidth = 0;
        }
    }
}
