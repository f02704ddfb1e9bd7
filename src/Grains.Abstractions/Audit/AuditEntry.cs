namespace MachineGrid.Grains;

/// <summary>One change, as the audit log records it. Summaries never contain secrets.</summary>
/// <param name="Cursor">Position in the log; pass it to read what came after.</param>
/// <param name="At">When it happened.</param>
/// <param name="ActorId">Who did it.</param>
/// <param name="Action">What was done, e.g. <c>group.create</c>.</param>
/// <param name="Resource">The resource as <c>{kind}/{id}</c>, e.g. <c>machine/m-1</c> or <c>group/g-1</c>.</param>
/// <param name="Before">Summary of the state before (null on create).</param>
/// <param name="After">Summary of the state after (null on delete).</param>
[GenerateSerializer, Immutable, Alias("mg.AuditEntry")]
public sealed record AuditEntry(string Cursor, DateTimeOffset At, string ActorId, string Action, string Resource, string? Before, string? After);
