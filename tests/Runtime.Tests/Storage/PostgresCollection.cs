using MachineGrid.TestSupport;
using Xunit;

namespace MachineGrid.Runtime.Tests.Storage;

/// <summary>Test classes in this collection share one throwaway PostgreSQL server per test run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection name to put on test classes: <c>[Collection(PostgresCollection.Name)]</c>.</summary>
    public const string Name = "PostgreSQL server";
}
