namespace MachineGrid.Persistence.Tests.Support;

[CollectionDefinition(Name)]
public sealed class StoragePostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Storage PostgreSQL";
}
