namespace MachineGrid.Persistence.Schema;

/// <summary>
/// One step of the schema. Steps run in version order, each in its own transaction with its row in
/// <c>schema_migrations</c>, so a database is always at a whole version. A step once released is never edited:
/// a change is a new step.
/// </summary>
internal sealed record Migration(int Version, string Description, string Sql);
