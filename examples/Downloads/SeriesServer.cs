using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Downloads;

/// <summary>
/// The data provider the example downloads from: Kestrel on 127.0.0.1 and a free port, serving
/// <c>GET</c>/<c>HEAD /series/{id}.csv</c> with a strong ETag, <c>Repr-Digest</c>, and byte ranges
/// with <c>If-Range</c> (ASP.NET Core's own range processing). Only the loopback interface is used.
/// </summary>
internal sealed class SeriesServer : IAsyncDisposable
{
    private const string Prefix = "/series/";
    private const string Suffix = ".csv";

    private readonly WebApplication _app;

    private SeriesServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts serving <paramref name="catalog"/>; <paramref name="bytesPerSecond"/> paces each response (0: unlimited).</summary>
    public static async Task<SeriesServer> StartAsync(SeriesCatalog catalog, long bytesPerSecond, FailureInjector failures)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => Serve(context, catalog, bytesPerSecond, failures));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.Single();
        return new SeriesServer(app, new Uri(address + Prefix));
    }

    /// <summary>The path of a series, relative to <see cref="BaseAddress"/>.</summary>
    public static string RelativePath(string key) => key + Suffix;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task Serve(HttpContext context, SeriesCatalog catalog, long bytesPerSecond, FailureInjector failures)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        var isGet = HttpMethods.IsGet(request.Method);
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal) ||
            !catalog.TryGet(path[Prefix.Length..^Suffix.Length], out var series))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!isGet && !HttpMethods.IsHead(request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        context.Response.Headers["Repr-Digest"] = series.ReprDigest;
        if (!isGet)
        {
            context.Response.ContentLength = series.Content.Length;
            context.Response.ContentType = "text/csv";
            context.Response.Headers.ETag = series.ETag;
            context.Response.Headers.AcceptRanges = "bytes";
            return;
        }

        var from = request.GetTypedHeaders().Range?.Ranges.FirstOrDefault()?.From ?? 0;
        var failure = failures.Next(Math.Max(0, series.Content.Length - from));
        if (failure.ServerError)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        using var body = new ThrottledStream(series.Content, bytesPerSecond, failure.CutAfterBytes);
        var result = Results.Stream(body, "text/csv", entityTag: new EntityTagHeaderValue(series.ETag), enableRangeProcessing: true);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }
}
