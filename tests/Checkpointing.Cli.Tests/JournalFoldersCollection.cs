namespace Checkpointing.Cli.Tests;

/// <summary>The journal and study tests share one set of <see cref="JournalFolders"/>, a root of their own (so the checkpoint tests' counts are not changed).</summary>
[CollectionDefinition(Name)]
public sealed class JournalFoldersCollection : ICollectionFixture<JournalFolders>
{
    public const string Name = "journal folders";
}
