using Microsoft.Extensions.Hosting;

namespace Checkpointing.Hosting.Tests;

/// <summary>A host lifetime that installs no signal handlers: the tests start and stop the host themselves.</summary>
internal sealed class TestLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
