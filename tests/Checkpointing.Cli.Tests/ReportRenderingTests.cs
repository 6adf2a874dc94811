using System.Buffers.Binary;
using Xunit.Abstractions;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// The report as a browser sees it: headless Chromium loads the page from disk, the DOM it serialises after
/// rendering holds every plot with every point, and a screenshot of it is a real, non-blank image (kept in the test
/// output directory under <c>report-artifacts/</c>). Needs Debian's <c>chromium</c>: a failure in CI and as root
/// (where .ci/run installs it), a skip with a note elsewhere.
/// </summary>
[Collection(ReportFoldersCollection.Name)]
public sealed class ReportRenderingTests(ReportFolders folders, ITestOutputHelper output)
{
    private const int ScreenshotWidth = 1280;
    private const int ScreenshotHeight = 2000;

    [Fact]
    public void Report_InChromium_RendersEveryPlotWithEveryPoint()
    {
        if (!ChromiumOrSkip())
        {
            return;
        }

        var file = Path.Combine(folders.Output, "rendered.html");
        var result = CkptProcess.Run("report", "--root", folders.Root, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        var written = ReportHtml.Plots(File.ReadAllText(file));

        var rendered = ReportHtml.Plots(HeadlessChromium.DumpDom(file, Profile()));

        Assert.Equal(written.Select(p => (p.Run, p.Key)), rendered.Select(p => (p.Run, p.Key)));
        Assert.Contains(rendered, p => p.Key == "study:trials" && p.Dots == ReportFolders.StudyTrials);
        Assert.Contains(rendered, p => p.Key == "rl:reward" && p.LineVertices == ReportFolders.Episodes);
        foreach (var plot in rendered)
        {
            var drawn = plot.Drawn == "dots" ? plot.Dots : plot.LineVertices;
            Assert.True(plot.DeclaredPoints == drawn, $"{plot.Run} {plot.Key}: declares {plot.DeclaredPoints} points, the browser has {drawn} ({plot.Drawn})");
        }

        output.WriteLine($"{rendered.Count} plots, {rendered.Sum(p => p.DeclaredPoints)} points rendered");
    }

    [Fact]
    public void Report_InChromium_ScreenshotIsANonBlankPng()
    {
        if (!ChromiumOrSkip())
        {
            return;
        }

        var file = Path.Combine(folders.Output, "screenshot.html");
        var result = CkptProcess.Run("report", "training/mlp", "--root", folders.Root, "--out", file);
        Assert.True(result.ExitCode == 0, result.ToString());
        var artifacts = Path.Combine(AppContext.BaseDirectory, "report-artifacts");
        Directory.CreateDirectory(artifacts);
        var png = Path.Combine(artifacts, "report.png");
        File.Delete(png);

        HeadlessChromium.Screenshot(file, png, ScreenshotWidth, ScreenshotHeight, Profile());

        output.WriteLine($"screenshot: {png}");
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG signature");
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal(ScreenshotWidth, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(ScreenshotHeight, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.Equal("IEND"u8.ToArray(), bytes[^8..^4]);

        // A blank or near-blank 1280×2000 page compresses to a few KiB; text and plots take tens of KiB.
        Assert.True(bytes.Length > 40_000, $"the screenshot is only {bytes.Length} bytes: the page looks blank");
    }

    private bool ChromiumOrSkip()
    {
        if (HeadlessChromium.IsInstalled)
        {
            return true;
        }

        Assert.False(HeadlessChromium.IsRequired, $"{HeadlessChromium.Path} is not installed; CI installs it (.ci/run). Install it with: apt-get install -y chromium");
        output.WriteLine($"SKIPPED: {HeadlessChromium.Path} is not installed (apt-get install -y chromium).");
        return false;
    }

    private string Profile()
    {
        var profile = Path.Combine(folders.Output, "chromium-profile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        return profile;
    }
}
