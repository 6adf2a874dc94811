namespace Downloads;

/// <summary>One downloaded file: its series, size and SHA-256 (lowercase hex).</summary>
internal sealed record SeriesFile(string Series, long Bytes, string Sha256);
