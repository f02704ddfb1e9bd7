namespace MachineGrid.Grains;

/// <summary>What an audit entry is about, written <c>{kind}/{id}</c>, e.g. <c>machine/m-1</c>.</summary>
/// <param name="Kind">The resource kind, lower case: <c>principal</c>, <c>group</c>, <c>machine</c>, <c>credential</c>, <c>mapping</c>, <c>connection</c> or <c>run</c>.</param>
/// <param name="Id">The resource id.</param>
public readonly record struct AuditResource(string Kind, string Id)
{
    /// <summary>A principal.</summary>
    public static AuditResource Principal(string id) => new("principal", id);

    /// <summary>A machine group.</summary>
    public static AuditResource Group(string id) => new("group", id);

    /// <summary>A machine.</summary>
    public static AuditResource Machine(string id) => new("machine", id);

    /// <summary>A credential.</summary>
    public static AuditResource Credential(string id) => new("credential", id);

    /// <summary>A machine mapping.</summary>
    public static AuditResource Mapping(string id) => new("mapping", id);

    /// <summary>A connection.</summary>
    public static AuditResource Connection(string id) => new("connection", id);

    /// <summary>A run.</summary>
    public static AuditResource Run(string id) => new("run", id);

    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Id}";
}
