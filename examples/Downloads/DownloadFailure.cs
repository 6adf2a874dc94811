namespace Downloads;

/// <summary>Why one attempt did not produce the complete, verified file.</summary>
internal sealed record DownloadFailure(FailureKind Kind, string Message);
