using System.Reflection;
using Checkpointing.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Checkpointing.Hosting.Tests;

public sealed class AddCheckpointingTests
{
    [Fact]
    public void AddCheckpointing_DefaultSection_BindsEveryConfigurableOption()
    {
        using var host = Build(new()
        {
            ["Checkpointing:RootDirectory"] = "/data/checkpoints",
            ["Checkpointing:KeepLastN"] = "3",
            ["Checkpointing:KeepBestN"] = "2",
            ["Checkpointing:BestMetric"] = "loss",
            ["Checkpointing:BestMetricMode"] = "max",
            ["Checkpointing:KeepEvery"] = "01:00:00",
            ["Checkpointing:MaxTotalBytes"] = "1048576",
            ["Checkpointing:Compression"] = "Gzip",
            ["Checkpointing:WhenBackgroundSaveBusy"] = "Coalesce",
            ["Checkpointing:ReadOnly"] = "false",
            ["Checkpointing:TakeOverLock"] = "false",
        });

        var options = host.Services.GetRequiredService<IOptions<CheckpointOptions>>().Value;

        Assert.Equal("/data/checkpoints", options.RootDirectory);
        Assert.Equal(3, options.KeepLastN);
        Assert.Equal(2, options.KeepBestN);
        Assert.Equal("loss", options.BestMetric);
        Assert.Equal(BestMetricMode.Max, options.BestMetricMode);
        Assert.Equal(TimeSpan.FromHours(1), options.KeepEvery);
        Assert.Equal(1048576, options.MaxTotalBytes);
        Assert.Equal(CheckpointCompression.Gzip, options.Compression);
        Assert.Equal(BackgroundSavePolicy.Coalesce, options.WhenBackgroundSaveBusy);
    }

    [Fact]
    public void AddCheckpointing_NoSection_KeepsTheDefaults()
    {
        using var host = Build([]);

        var options = host.Services.GetRequiredService<IOptions<CheckpointOptions>>().Value;

        var defaults = new CheckpointOptions();
        Assert.Equal(defaults.RootDirectory, options.RootDirectory);
        Assert.Equal(defaults.KeepLastN, options.KeepLastN);
        Assert.Equal(defaults.Compression, options.Compression);
    }

    [Fact]
    public void AddCheckpointing_EmptyKeepLastN_KeepsEveryCheckpoint()
    {
        using var host = Build(new() { ["Checkpointing:KeepLastN"] = string.Empty });

        Assert.Null(host.Services.GetRequiredService<IOptions<CheckpointOptions>>().Value.KeepLastN);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void AddCheckpointing_JsonNullOrEmptyKeepLastN_KeepsEveryCheckpoint(string json)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{ "Checkpointing": { "KeepLastN": {{json}}, "MaxTotalBytes": {{json}} } }"""));
        builder.Configuration.AddJsonStream(stream);
        builder.Services.AddCheckpointing();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<CheckpointOptions>>().Value;

        Assert.Null(options.KeepLastN);
        Assert.Null(options.MaxTotalBytes);
    }

    [Fact]
    public async Task StartAsync_KeepLastNZero_FailsNamingTheKey()
    {
        using var host = Build(new() { ["Checkpointing:KeepLastN"] = "0", ["Checkpointing:MaxTotalBytes"] = "-1" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Checkpointing:KeepLastN (CheckpointOptions.KeepLastN) is 0; it must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Checkpointing:MaxTotalBytes (CheckpointOptions.MaxTotalBytes) is -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownEnumName_FailsSayingWhatToType()
    {
        using var host = Build(new() { ["Checkpointing:Compression"] = "Lz4" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("Checkpointing:Compression is 'Lz4'; type one of None, Gzip or Zstd.", Assert.Single(error.Failures));
    }

    [Theory]
    [InlineData("KeepLastN", "five", "a whole number (1 or more), or an empty value to keep every checkpoint")]
    [InlineData("KeepEvery", "an hour", "a time span such as 01:00:00")]
    [InlineData("Compression", "7", "one of None, Gzip or Zstd")]
    [InlineData("ReadOnly", "yes", "true or false")]
    public async Task StartAsync_ValueOfTheWrongForm_FailsNamingKeyValueAndForm(string key, string value, string expected)
    {
        using var host = Build(new() { ["Checkpointing:" + key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith($"Checkpointing:{key} is '{value}'; type {expected}", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MisspeltKey_FailsListingTheOptions()
    {
        using var host = Build(new() { ["Checkpointing:KeepLast"] = "3" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Checkpointing:KeepLast is not a checkpoint option (misspelt?). The options are RootDirectory, KeepLastN,", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_CodeOnlyKey_FailsSayingToSetItInCode()
    {
        using var host = Build(new() { ["Checkpointing:Serializer"] = "json" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Checkpointing:Serializer cannot be set in configuration; set it in code", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_CustomSection_NamesItsPath()
    {
        using var host = Build(new() { ["Jobs:Store:KeepBestN"] = "-2" }, (services, configuration) => services.AddCheckpointing(configuration.GetSection("Jobs:Store")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("Jobs:Store:KeepBestN (CheckpointOptions.KeepBestN) is -2", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_OptionsSetInCode_NamesTheProperty()
    {
        using var host = Build([], (services, _) => services.AddCheckpointing(o => o.RootDirectory = " "));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("CheckpointOptions.RootDirectory is empty", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddCheckpointing_ConfigurationThenCode_LaterSettingsWin()
    {
        using var host = Build(new() { ["Checkpointing:KeepLastN"] = "3", ["Checkpointing:RootDirectory"] = "from-config" }, (services, _) =>
        {
            services.AddCheckpointing();
            services.AddCheckpointing(o => o.KeepLastN = 7);
        });

        var options = host.Services.GetRequiredService<IOptions<CheckpointOptions>>().Value;

        Assert.Equal(7, options.KeepLastN);
        Assert.Equal("from-config", options.RootDirectory);
        Assert.Single(host.Services.GetServices<ICheckpointManagerFactory>());
    }

    [Fact]
    public void Settings_CoverEveryPublicOption()
    {
        var properties = typeof(CheckpointOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);

        var known = CheckpointOptionsSetup.Settings.Select(s => s.Key).Concat(CheckpointOptionsSetup.CodeOnly).Order(StringComparer.Ordinal);

        Assert.Equal(properties, known);
    }

    private static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration>? register = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IHostLifetime, TestLifetime>();
        if (register is null)
        {
            builder.Services.AddCheckpointing();
        }
        else
        {
            register(builder.Services, builder.Configuration);
        }

        return builder.Build();
    }
}
