using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Checkpointing.Journaling;

namespace Downloads;

/// <summary>
/// Downloads one series into <c>&lt;key&gt;.csv.part</c>, resuming a partial file with a Range
/// request validated by its ETag (If-Range), checks the result against the server's
/// <c>Repr-Digest</c>, fsyncs it, renames it into place and only then records the series as done.
/// Failed attempts are retried with exponential backoff and jitter.
/// </summary>
internal sealed class SeriesDownloader(
    HttpClient http,
    Uri baseAddress,
    string directory,
    WorkList work,
    DownloadStats stats,
    Backoff backoff,
    ConsoleReport report)
{
    private const int BufferBytes = 64 * 1024;
    private const string DigestPrefix = "sha-256=:";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    public static string FinalPath(string directory, string key) => Path.Combine(directory, key + ".csv");

    private static string PartPath(string directory, string key) => FinalPath(directory, key) + ".part";

    private static string TagPath(string directory, string key) => FinalPath(directory, key) + ".etag";

    /// <summary>
    /// Downloads <paramref name="key"/> and records it as done (durably) before returning true;
    /// returns false after the last failed attempt. When <paramref name="stop"/> fires the download
    /// is abandoned (its partial file stays, to be resumed) and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public async Task<bool> DownloadAsync(string key, CancellationToken stop)
    {
        var final = FinalPath(directory, key);
        var part = PartPath(directory, key);
        var tag = TagPath(directory, key);
        work.MarkStarted(key);
        if (File.Exists(final))
        {
            // Renamed into place, but the run stopped before recording it: check it instead of downloading it.
            if (await TryReconcileAsync(key, final, stop).ConfigureAwait(false))
            {
                await RecordDoneAsync(key).ConfigureAwait(false);
                return true;
            }

            File.Delete(final);
        }

        for (var attempt = 1; ; attempt++)
        {
            var failure = await AttemptAsync(key, part, tag, stop).ConfigureAwait(false);
            if (failure is null)
            {
                break;
            }

            stats.AddFailure(failure.Kind);
            if (attempt == Backoff.MaxAttempts)
            {
                stats.AddFailed();
                report.Line($"  {key}: giving up after {attempt} attempts ({failure.Message}); run again to retry it.");
                report.Trace($"GAVE_UP {key}");
                return false;
            }

            var delay = backoff.Delay(attempt);
            stats.AddRetry();
            report.Line($"  retry {key} in {delay.TotalSeconds:0.00} s (attempt {attempt + 1} of {Backoff.MaxAttempts}): {failure.Message}");
            report.Trace($"RETRY {key} {attempt} {failure.Kind}");
            await Task.Delay(delay, stop).ConfigureAwait(false);
        }

        File.Move(part, final, overwrite: true);
        Durable.SyncDirectory(directory);
        File.Delete(tag);
        await RecordDoneAsync(key).ConfigureAwait(false);
        return true;
    }

    private async Task RecordDoneAsync(string key)
    {
        // Not cancellable: once the file is in place, recording it is quick and always finishes.
        await work.MarkDoneAsync(key, CancellationToken.None).ConfigureAwait(false);
        stats.AddCompleted();
        report.Trace($"ACK {key}");
    }

    private async Task<DownloadFailure?> AttemptAsync(string key, string part, string tag, CancellationToken stop)
    {
        var (offset, etag) = ResumePoint(part, tag);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseAddress, SeriesServer.RelativePath(key)));
        if (etag is not null)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
            request.Headers.IfRange = new RangeConditionHeaderValue(etag);
        }

        report.Trace($"FETCH {key} {offset}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(AttemptTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsNetworkFailure(ex, stop))
        {
            return Broken(ex);
        }

        using (response)
        {
            var range = response.Content.Headers.ContentRange;
            long? total;
            switch (response.StatusCode)
            {
                case HttpStatusCode.PartialContent when etag is not null && range is { HasRange: true, Length: not null } && range.From == offset:
                    stats.AddRangeResume(offset);
                    report.Trace($"RESUME {key} {offset}");
                    total = range.Length;
                    break;
                case HttpStatusCode.RequestedRangeNotSatisfiable when etag is not null && range is { HasRange: false } && range.Length == offset:
                    // The partial file is already whole: the run stopped between its last byte and the rename.
                    stats.AddRangeResume(offset);
                    report.Trace($"RESUME {key} {offset}");
                    total = offset;
                    break;
                case HttpStatusCode.OK:
                    if (etag is not null)
                    {
                        stats.AddRestart(offset);
                        report.Line($"  {key}: the server's copy changed since the partial download (ETag {etag} is now {response.Headers.ETag}); downloading it again from the start.");
                        report.Trace($"RESTART {key} {offset}");
                    }

                    offset = 0;
                    File.Delete(part);
                    if (response.Headers.ETag is { IsWeak: false } fresh)
                    {
                        File.WriteAllText(tag, fresh.ToString());
                    }
                    else
                    {
                        File.Delete(tag);
                    }

                    total = response.Content.Headers.ContentLength;
                    break;
                default:
                    if (response.StatusCode is HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable)
                    {
                        // A range answer that does not fit the partial file: start that file again.
                        File.Delete(part);
                        File.Delete(tag);
                    }

                    var kind = (int)response.StatusCode >= 500 ? FailureKind.ServerError : FailureKind.Other;
                    return new DownloadFailure(kind, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable &&
                await CopyBodyAsync(response, part, offset, timeout.Token, stop).ConfigureAwait(false) is { } broken)
            {
                return broken;
            }

            return Verify(part, tag, total, ParseDigest(response));
        }
    }

    private async Task<DownloadFailure?> CopyBodyAsync(HttpResponseMessage response, string part, long offset, CancellationToken token, CancellationToken stop)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            // Unbuffered: every byte received is handed to the OS at once, so an abandoned download keeps all of it.
            using var file = new FileStream(part, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, bufferSize: 0);
            Stream body;
            try
            {
                body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNetworkFailure(ex, stop))
            {
                return Broken(ex);
            }

            using (body)
            {
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, BufferBytes), token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (IsNetworkFailure(ex, stop))
                    {
                        return Broken(ex);
                    }

                    if (read == 0)
                    {
                        break;
                    }

                    file.Write(buffer, 0, read);
                    stats.AddDownloaded(read);
                }
            }

            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks the whole file against the announced length and digest, and fsyncs it; discards it when its content is wrong.</summary>
    private static DownloadFailure? Verify(string part, string tag, long? total, byte[]? digest)
    {
        using var file = new FileStream(part, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        if (total is { } expected && file.Length != expected)
        {
            return new DownloadFailure(FailureKind.ConnectionCut, $"the body ended after {file.Length:N0} of {expected:N0} bytes");
        }

        if (digest is not null && !SHA256.HashData(file).AsSpan().SequenceEqual(digest))
        {
            file.Dispose();
            File.Delete(part);
            File.Delete(tag);
            return new DownloadFailure(FailureKind.Other, "the content does not match the server's Repr-Digest; discarded it");
        }

        Durable.Sync(file);
        return null;
    }

    private async Task<bool> TryReconcileAsync(string key, string final, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, new Uri(baseAddress, SeriesServer.RelativePath(key)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || ParseDigest(response) is not { } digest)
            {
                return false;
            }

            byte[] local;
            long length;
            using (var file = File.OpenRead(final))
            {
                length = file.Length;
                local = SHA256.HashData(file);
            }

            if (!local.AsSpan().SequenceEqual(digest))
            {
                return false;
            }

            stats.AddReconciled(length);
            report.Trace($"RECONCILED {key}");
            return true;
        }
        catch (Exception ex) when (IsNetworkFailure(ex, stop))
        {
            return false;
        }
    }

    /// <summary>Where a partial file can be resumed: its length and the ETag it was downloaded under, or (0, null).</summary>
    private static (long Offset, EntityTagHeaderValue? ETag) ResumePoint(string part, string tag)
    {
        if (!File.Exists(part) || !File.Exists(tag))
        {
            return (0, null);
        }

        var length = new FileInfo(part).Length;
        return length > 0 && EntityTagHeaderValue.TryParse(File.ReadAllText(tag).Trim(), out var etag) && !etag.IsWeak
            ? (length, etag)
            : (0, null);
    }

    private static byte[]? ParseDigest(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Repr-Digest", out var values))
        {
            return null;
        }

        foreach (var value in values.SelectMany(v => v.Split(',')))
        {
            var text = value.Trim();
            if (text.StartsWith(DigestPrefix, StringComparison.OrdinalIgnoreCase) && text.EndsWith(':') && text.Length > DigestPrefix.Length + 1)
            {
                try
                {
                    return Convert.FromBase64String(text[DigestPrefix.Length..^1]);
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>A failure of the connection or the server (to retry), as opposed to a stop request or a local error.</summary>
    private static bool IsNetworkFailure(Exception ex, CancellationToken stop) =>
        !stop.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException;

    private static DownloadFailure Broken(Exception ex) => ex is OperationCanceledException
        ? new DownloadFailure(FailureKind.Other, $"no answer within {AttemptTimeout.TotalSeconds:0} s")
        : new DownloadFailure(FailureKind.ConnectionCut, "the connection broke: " + ex switch
        {
            HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => "it closed before the whole body arrived",
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "it closed before the response arrived",
            _ => ex.GetBaseException().Message.TrimEnd('.'),
        });
}
