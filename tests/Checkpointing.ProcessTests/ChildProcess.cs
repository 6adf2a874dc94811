using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Checkpointing.ProcessTests;

/// <summary>
/// A running child process whose stdout is read asynchronously line by line (so it can never
/// block on a full pipe) and whose stderr is collected. Disposing kills it if it still runs.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    /// <summary>Guards against a hung child; never a pass/fail threshold.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly Channel<string> _pending = Channel.CreateUnbounded<string>();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly string _commandLine;

    private ChildProcess(string fileName, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        _commandLine = fileName + " " + string.Join(' ', arguments);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _pending.Writer.TryComplete();
                return;
            }

            lock (_lines)
            {
                _lines.Add(e.Data);
            }

            _pending.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Every stdout line received so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the test child: <c>dotnet Checkpointing.TestChild.dll args…</c>.</summary>
    public static ChildProcess StartChild(params string[] args) => new(ChildHost.Dotnet, [ChildHost.ChildDll, .. args]);

    /// <summary>Starts any program (used to run the child under strace).</summary>
    public static ChildProcess Start(string fileName, IReadOnlyList<string> arguments) => new(fileName, arguments);

    /// <summary>The next stdout line not yet read, or null once stdout has closed.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            return await _pending.Reader.WaitToReadAsync(guard.Token) && _pending.Reader.TryRead(out var line) ? line : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No output from child for {HangGuard}: {Describe()}");
        }
    }

    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends a signal by its name (INT, TERM, STOP, CONT) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{name} {Id} failed with exit {kill.ExitCode}: {Describe()}");
        }
    }

    /// <summary>SIGKILL on Unix: the child gets no chance to run any code.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>Waits until the process has exited and all its output has been read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Child did not exit within {HangGuard}: {Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>The command line, exit state and output, for failure messages.</summary>
    public string Describe()
    {
        var exit = _process.HasExited ? $"exit {_process.ExitCode}" : "still running";
        return $"[{_commandLine}] pid {_process.Id}, {exit}; stdout: [{string.Join(" | ", Lines.TakeLast(12))}]; stderr: [{Stderr.Trim()}]";
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }
}
