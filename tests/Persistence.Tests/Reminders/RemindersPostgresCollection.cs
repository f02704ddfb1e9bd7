namespace MachineGrid.Persistence.Tests.Reminders;

/// <summary>The reminder tests share one throwaway PostgreSQL server, apart from the other tests' servers.</summary>
[CollectionDefinition(Name)]
public sealed class RemindersPostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Reminders PostgreSQL";
}
