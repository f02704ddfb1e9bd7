using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>The tests that share one real gateway; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class LiveGatewayCollection : ICollectionFixture<LiveGateway>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "live gateway";
}
