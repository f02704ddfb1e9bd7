namespace MachineGrid.Persistence.Tests.Membership;

[CollectionDefinition(Name)]
public sealed class MembershipPostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Membership PostgreSQL";
}
