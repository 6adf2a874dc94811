using Checkpointing.TestChild;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The child's <c>session</c> mode: one writer (or reader) kept open while the test changes the file system
/// under it, driven one command and one answer line at a time.
/// </summary>
internal sealed class SessionChild : IDisposable
{
    private readonly ChildProcess _child;

    private SessionChild(ChildProcess child, string opened)
    {
        _child = child;
        Opened = opened;
    }

    /// <summary>The first line: <c>OPENED count=…</c> or <c>OPEN_ERROR …</c>.</summary>
    public string Opened { get; }

    /// <summary>The run directory a session on <paramref name="root"/> writes.</summary>
    public static string RunDirectory(string root) => Path.Combine(root, LoopState.ProcessType, LoopState.RunName);

    /// <summary>Starts <c>session ROOT</c>, under <paramref name="runAs"/> (a command prefix such as setpriv) when given.</summary>
    public static async Task<SessionChild> StartAsync(string root, bool readOnly = false, IReadOnlyList<string>? runAs = null)
    {
        List<string> args = [ChildHost.Dotnet, ChildHost.ChildDll, "session", root];
        if (readOnly)
        {
            args.Add("--read-only");
        }

        if (runAs is { Count: > 0 })
        {
            args.InsertRange(0, runAs.Skip(1));
        }

        var child = runAs is { Count: > 0 } ? ChildProcess.Start(runAs[0], args) : ChildProcess.Start(args[0], args[1..]);
        var opened = await child.ReadLineAsync() ?? throw new InvalidOperationException($"the session printed nothing. {child.Describe()}");
        return new SessionChild(child, opened);
    }

    /// <summary>Sends one command and returns the line it answers with.</summary>
    public async Task<string> SendAsync(string command)
    {
        _child.WriteLine(command);
        return await _child.ReadLineAsync() ?? throw new InvalidOperationException($"the session ended after '{command}'. {_child.Describe()}");
    }

    /// <summary>Sends <c>quit</c> and waits for the exit code.</summary>
    public async Task<int> QuitAsync()
    {
        if (!_child.HasExited)
        {
            _child.WriteLine("quit");
        }

        return await _child.WaitForExitAsync();
    }

    public string Describe() => _child.Describe();

    public void Dispose() => _child.Dispose();
}
