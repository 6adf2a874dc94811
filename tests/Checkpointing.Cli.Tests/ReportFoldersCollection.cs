namespace Checkpointing.Cli.Tests;

/// <summary>The report tests share one set of <see cref="ReportFolders"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ReportFoldersCollection : ICollectionFixture<ReportFolders>
{
    public const string Name = "report folders";
}
