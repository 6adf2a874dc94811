namespace Downloads;

/// <summary>Why one download attempt failed.</summary>
internal enum FailureKind
{
    /// <summary>An HTTP 5xx answer.</summary>
    ServerError,

    /// <summary>The connection broke before the whole body arrived.</summary>
    ConnectionCut,

    /// <summary>Anything else: an unexpected status, a content that does not match its digest, a timeout.</summary>
    Other,
}
