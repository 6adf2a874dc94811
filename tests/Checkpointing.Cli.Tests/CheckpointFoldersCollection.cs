namespace Checkpointing.Cli.Tests;

/// <summary>The command tests share one set of <see cref="CheckpointFolders"/> (the locked run stays locked for all of them).</summary>
[CollectionDefinition(Name)]
public sealed class CheckpointFoldersCollection : ICollectionFixture<CheckpointFolders>
{
    public const string Name = "checkpoint folders";
}
