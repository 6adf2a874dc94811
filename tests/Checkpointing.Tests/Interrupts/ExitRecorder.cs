namespace Checkpointing.Tests.Interrupts;

/// <summary>Stands in for <c>Environment.Exit</c>: records the codes the handler tried to exit with.</summary>
internal sealed class ExitRecorder
{
    private readonly List<int> _codes = [];

    public IReadOnlyList<int> Codes
    {
        get
        {
            lock (_codes)
            {
                return [.. _codes];
            }
        }
    }

    public void Exit(int code)
    {
        lock (_codes)
        {
            _codes.Add(code);
        }
    }
}
