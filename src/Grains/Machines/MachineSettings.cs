namespace MachineGrid.Grains;

/// <summary>
/// What a machine's registration and its owners' updates set, checked against the grid's limits. A desktop machine runs
/// exactly one session; a server up to the limit per machine.
/// </summary>
internal sealed class MachineSettings(Func<MachineState> machine, GridOptions limits)
{
    private MachineState Machine => machine();

    public void Register(RegisterMachine request)
    {
        Machine.Name = Validate.Name(request.Name, "name", limits.MaxNameLength);
        Machine.Description = Validate.Optional(request.Description, "description", limits.MaxDescriptionLength);
        Machine.Kind = Validate.Enum(request.Kind, "kind");
        Machine.MaxSessions = Sessions(request.Kind, request.MaxSessions ?? 1);
        Machine.AgentVersion = Validate.Name(request.AgentVersion, "agentVersion", 100);
        Machine.Os = Validate.Name(request.Os, "os", limits.MaxNameLength);
        Machine.Fingerprint = Validate.Name(request.Fingerprint, "fingerprint", 512);
    }

    /// <summary>Applies what the update sets; a refused update leaves no trace, as everything is validated before anything changes.</summary>
    public void Update(UpdateMachine request)
    {
        var description = request.Description is null ? Machine.Description : Validate.Optional(request.Description, "description", limits.MaxDescriptionLength);
        var maxSessions = request.MaxSessions is { } sessions ? Sessions(Machine.Kind, sessions) : Machine.MaxSessions;
        Machine.Description = description;
        Machine.MaxSessions = maxSessions;
        Machine.Maintenance = request.Maintenance ?? Machine.Maintenance;
    }

    private int Sessions(MachineKind kind, int requested)
    {
        if (kind == MachineKind.Desktop)
        {
            DomainException.Require(requested == 1, "A desktop machine runs exactly one session.");
            return 1;
        }
        DomainException.Require(requested >= 1 && requested <= limits.MaxSessionsPerMachine, $"maxSessions must be 1 to {limits.MaxSessionsPerMachine}.");
        return requested;
    }
}
