namespace Downloads;

/// <summary>The <c>--results</c> file: what was downloaded, the same whether or not the run was interrupted.</summary>
internal sealed record DownloadResult(ulong Seed, int Series, int MaxKiB, long TotalBytes, IReadOnlyList<SeriesFile> Files);
