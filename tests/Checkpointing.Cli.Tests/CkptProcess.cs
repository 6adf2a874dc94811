using System.Diagnostics;
using System.Text.Json;
using Checkpointing.Testing;

namespace Checkpointing.Cli.Tests;

/// <summary>Runs the built <c>ckpt</c> tool as a separate process, with colours off and no CHECKPOINT_ROOT from the environment.</summary>
internal static class CkptProcess
{
    private static readonly string ToolDll = Path.Combine(AppContext.BaseDirectory, "ckpt.dll");

    public static CkptResult Run(params string[] args) => RunWithRootVariable(null, args);

    /// <summary>Runs with <c>CHECKPOINT_ROOT</c> set to <paramref name="checkpointRoot"/> (null: unset).</summary>
    public static CkptResult RunWithRootVariable(string? checkpointRoot, params string[] args)
    {
        using var process = Start(checkpointRoot, args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CkptResult(process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Starts the tool with output redirected (for a command that runs on, like <c>watch</c>); the caller reads and waits.</summary>
    public static Process Start(string? checkpointRoot, params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("CHECKPOINT_ROOT");
        if (checkpointRoot is not null)
        {
            start.Environment["CHECKPOINT_ROOT"] = checkpointRoot;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start ckpt");
    }

    /// <summary>Runs with <c>--json</c> and parses standard output.</summary>
    public static (CkptResult Result, JsonElement Json) RunJson(params string[] args)
    {
        var result = Run([.. args, "--json"]);
        using var document = JsonDocument.Parse(result.Stdout);
        return (result, document.RootElement.Clone());
    }
}
