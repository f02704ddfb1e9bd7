using Xunit;

namespace MachineGrid.Dashboard.Tests;

/// <summary>The tests that share one real gateway and one browser; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardSite>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "dashboard";
}
