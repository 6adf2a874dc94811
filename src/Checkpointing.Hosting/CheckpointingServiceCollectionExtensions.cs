using Checkpointing;
using Checkpointing.Hosting;
using Checkpointing.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Checkpointing with a service collection: <see cref="CheckpointOptions"/> bound from
/// configuration and validated when the host starts, an <see cref="ICheckpointManagerFactory"/>, and the
/// <see cref="CheckpointedServiceDependencies"/> that <see cref="CheckpointedBackgroundService{TState}"/> needs.
/// </summary>
/// <remarks>
/// <para>
/// Every overload may be called more than once: the services are added once, and each call adds its
/// configuration in order, so later settings win. Further code-only settings (a serializer for trimming,
/// a clock) go through the options pattern, e.g.
/// <c>services.Configure&lt;CheckpointOptions&gt;(o =&gt; o.Serializer = new JsonCheckpointSerializer(MyContext.Default))</c>.
/// </para>
/// <para>
/// The options are read once, when the first manager is created; a change of the configuration applies
/// after a restart. Invalid options stop the host at start-up with an <see cref="OptionsValidationException"/>
/// whose message names each bad key and what to type.
/// </para>
/// </remarks>
public static class CheckpointingServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="AddCheckpointing(IServiceCollection)"/> binds: <c>Checkpointing</c>.</summary>
    public const string DefaultSectionName = "Checkpointing";

    /// <summary>
    /// Adds Checkpointing with <see cref="CheckpointOptions"/> bound from the <c>Checkpointing</c> section of
    /// the application's configuration (appsettings.json, environment variables such as
    /// <c>Checkpointing__RootDirectory</c>, command-line arguments). A missing section leaves every default.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">At start-up: no <see cref="IConfiguration"/> is registered (the generic host registers one).</exception>
    public static IServiceCollection AddCheckpointing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services, DefaultSectionName);
        services.AddSingleton<IConfigureOptions<CheckpointOptions>>(sp =>
            new CheckpointOptionsSetup(sp.GetRequiredService<IConfiguration>().GetSection(DefaultSectionName)));
        return services;
    }

    /// <summary>
    /// Adds Checkpointing with <see cref="CheckpointOptions"/> bound from <paramref name="configuration"/>,
    /// usually a section: <c>services.AddCheckpointing(builder.Configuration.GetSection("Jobs:Checkpointing"))</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section whose keys are <see cref="CheckpointOptions"/> property names (<c>RootDirectory</c>, <c>KeepLastN</c>, …).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddCheckpointing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services, (configuration as IConfigurationSection)?.Path);
        services.AddSingleton<IConfigureOptions<CheckpointOptions>>(new CheckpointOptionsSetup(configuration));
        return services;
    }

    /// <summary>Adds Checkpointing with <see cref="CheckpointOptions"/> set in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, e.g. <c>o =&gt; o.RootDirectory = "/data/checkpoints"</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddCheckpointing(this IServiceCollection services, Action<CheckpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services, sectionPath: null);
        services.Configure(configure);
        return services;
    }

    private static void AddCore(IServiceCollection services, string? sectionPath)
    {
        services.AddOptions<CheckpointOptions>().ValidateOnStart();

        // One validator, naming the first configuration section registered.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CheckpointOptions>, CheckpointOptionsValidator>(_ => new CheckpointOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICheckpointManagerFactory, CheckpointManagerFactory>();
        services.TryAddSingleton<CheckpointedServiceDependencies>();
    }
}
