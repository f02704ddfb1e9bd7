using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;

namespace MachineGrid.Grains;

/// <summary>
/// How a grain client from another .NET service says who it is: it sends a principal's API key with every call, and
/// the silo checks that each <see cref="Actor"/> argument is that principal, as the key's row in the storage says.
/// </summary>
public static class GrainClientIdentity
{
    /// <summary>The request-context key the API key travels under.</summary>
    public const string ApiKeyHeader = "mg-api-key";

    /// <summary>Sends <paramref name="apiKey"/> with every grain call this client makes.</summary>
    public static IClientBuilder UseMachineGridApiKey(this IClientBuilder client, string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        client.Services.AddSingleton<IOutgoingGrainCallFilter>(new ApiKeyCallFilter(apiKey));
        GrainInterfaceTypeCache.AddTo(client.Services);
        return client;
    }

    private sealed class ApiKeyCallFilter(string apiKey) : IOutgoingGrainCallFilter
    {
        public Task Invoke(IOutgoingGrainCallContext context)
        {
            RequestContext.Set(ApiKeyHeader, apiKey);
            return context.Invoke();
        }
    }
}
