using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;
using Orleans.Serialization.TypeSystem;
using Xunit;

namespace MachineGrid.Grains.Tests;

[Collection(SharedGridA.Name)]
public sealed class GrainInterfaceTypeCacheTests(SharedGrid shared)
{
    [Fact]
    public void The_cache_is_asked_first_and_answers_what_Orleans_own_providers_answer()
    {
        var services = shared.Silo.Services;
        var providers = services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        var cache = Assert.IsType<GrainInterfaceTypeCache>(providers[0]);
        // Orleans' resolver without the cache: the same providers after it, then its naming convention.
        var uncached = new GrainInterfaceTypeResolver(providers.Skip(1), services.GetRequiredService<TypeConverter>());
        var resolver = services.GetRequiredService<GrainInterfaceTypeResolver>();
        foreach (var type in new[] { typeof(IRunGrain), typeof(IMachineGroupGrain), typeof(IMachineGrain), typeof(ICredentialGrain) })
        {
            var expected = uncached.GetGrainInterfaceType(type);
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type));
            Assert.True(cache.TryGetGrainInterfaceType(type, out var cached));
            Assert.Equal(expected, cached);
        }
        Assert.NotEqual(resolver.GetGrainInterfaceType(typeof(IRunGrain)), resolver.GetGrainInterfaceType(typeof(IMachineGrain)));
    }
}
