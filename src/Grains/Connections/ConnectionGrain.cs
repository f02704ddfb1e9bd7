using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A desktop flow connection: a target (one machine outside any group, or a group) and a credential or mapping. It
/// breaks when its target machine joins a group; runs through it are routed to the group's queue, or the machine's own.
/// </summary>
public sealed class ConnectionGrain(
    [PersistentState("connection")] IPersistentState<ConnectionState> state,
    AuditTrail audit,
    IOptions<GridOptions> options,
    TimeProvider time) : Grain, IConnectionGrain
{
    private const string SystemActor = "system";
    private const int MaxReasonLength = 2_000;
    private const int MaxKeptGrants = 10_000;

    private readonly GridOptions limits = options.Value;

    // Grants read from the target group, and the plan read from the credential or mapping; each tells this connection
    // when what it keeps changes. A read in flight when such news comes serves its own route but is not kept: the epochs.
    private readonly Dictionary<(string PrincipalId, bool IsAdmin), ResourceAccess> groupGrants = [];
    private long groupEpoch;
    private KeptPlan? keptPlan;
    private long planEpoch;

    private string Id => this.GetPrimaryKeyString();

    private AuditResource Resource => AuditResource.Connection(Id);

    private ConnectionState Current => state.State;

    /// <inheritdoc />
    public async Task<ConnectionView> Create(Actor actor, CreateConnection request)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Connection {Id} already exists.");
        }
        var connection = New(actor, request);
        if (await DemandTarget(actor, connection) is { } machineGroup)
        {
            throw new DomainException(DomainErrorCode.Validation, $"Machine {connection.MachineId} is in group {machineGroup}; target the group.");
        }
        await DemandCredential(actor, connection);
        await state.SaveAsync(connection);
        if (connection.MachineId is { } machineId)
        {
            await RegisterWithMachine(machineId);
        }
        await audit.RecordAsync(actor.Id, "connection.create", Resource, null, Summary(connection));
        return View();
    }

    /// <inheritdoc />
    /// <remarks>Its owner, Environment Admins and whoever may run flows on its target may see it.</remarks>
    public async Task<ConnectionView> Get(Actor actor)
    {
        RequireExists();
        if (!actor.IsAdmin && Current.Owner?.Id != actor.Id)
        {
            await DemandTarget(actor, Current);
        }
        return View();
    }

    /// <inheritdoc />
    /// <remarks>Idempotent: breaking a broken connection, or one that does not exist, changes nothing.</remarks>
    public async Task Break(string reason)
    {
        if (state.RecordExists && !Current.Broken)
        {
            var text = string.IsNullOrWhiteSpace(reason) ? "The target machine joined a group; target the group." : reason.Trim();
            await MarkBroken(text.Length <= MaxReasonLength ? text : text[..MaxReasonLength]);
        }
    }

    /// <inheritdoc />
    public Task GroupAccessChanged()
    {
        groupEpoch++;
        groupGrants.Clear();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task PlanSourceChanged()
    {
        planEpoch++;
        keptPlan = null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ConnectionRoute> Route(Actor actor)
    {
        RequireExists();
        ThrowIfBroken();
        if (Current.GroupId is { } targetGroup)
        {
            await DemandOnGroupWithKeptGrant(actor, targetGroup);
        }
        else if (await DemandTarget(actor, Current) is { } machineGroup)
        {
            // The machine joined a group and its break notice has not arrived (or was lost). Routing is a read that
            // interleaves with other routes, so the break is recorded by a message to this grain, not written here.
            var reason = $"Machine {Current.MachineId} joined group {machineGroup}; target the group.";
            _ = GrainFactory.GetGrain<IConnectionGrain>(this.GetPrimaryKeyString()).Break(reason);
            throw new DomainException(DomainErrorCode.ConnectionBroken, $"Connection '{Current.Name}' is broken: {reason}");
        }
        var groupId = Current.GroupId ?? GroupIds.SoloFor(Current.MachineId!);
        return new ConnectionRoute(groupId, await PlanAsync(), Current.MappingId is not null);
    }

    private ConnectionState New(Actor actor, CreateConnection request)
    {
        DomainException.Require(request is not null, "A connection is required.");
        var target = request!.Target;
        DomainException.Require(target is not null && (target.MachineId is null) != (target.GroupId is null), "A connection targets exactly one of a machine or a group.");
        DomainException.Require((request.CredentialId is null) != (request.MappingId is null), "A connection uses exactly one of a credential or a mapping.");
        var groupId = target!.GroupId is null ? null : Validate.Id(target.GroupId, "target.groupId");
        DomainException.Require(groupId is null || !GroupIds.IsSolo(groupId), "Target the machine itself, not its single-machine queue.");
        return new ConnectionState
        {
            Name = Validate.Name(request.Name, "name", limits.MaxNameLength),
            MachineId = target.MachineId is null ? null : Validate.Id(target.MachineId, "target.machineId"),
            GroupId = groupId,
            CredentialId = request.CredentialId is null ? null : Validate.Id(request.CredentialId, "credentialId"),
            MappingId = request.MappingId is null ? null : Validate.Id(request.MappingId, "mappingId"),
            Owner = actor.Ref,
        };
    }

    /// <summary>
    /// Demands that the actor may run flows on the target. For a machine target, returns the group the machine is in now
    /// (null when none): a connection to a grouped machine is refused at creation and broken afterwards.
    /// </summary>
    private async Task<string?> DemandTarget(Actor actor, ConnectionState connection)
    {
        if (connection.GroupId is { } groupId)
        {
            await RunFlowAccess.DemandOnGroup(GrainFactory, actor, groupId);
            return null;
        }
        return (await RunFlowAccess.DemandOnMachine(GrainFactory, actor, connection.MachineId!)).GroupId;
    }

    /// <summary>
    /// Demands RunFlow on the target group with the actor's grant as last read from it. The group keeps this connection
    /// among those it tells of access changes before it answers, so a revoked grant is never used after the revocation
    /// was acknowledged. No access is not kept: the group is asked each time, and tells a missing group from a refusal.
    /// </summary>
    private async Task DemandOnGroupWithKeptGrant(Actor actor, string groupId)
    {
        var key = (actor.Id, actor.IsAdmin);
        if (!groupGrants.TryGetValue(key, out var access))
        {
            var epoch = groupEpoch;
            if (await GrainFactory.GetGrain<IMachineGroupGrain>(groupId).WatchedAccessOf(Id, actor.Id, actor.IsAdmin) is not { } read)
            {
                await RunFlowAccess.DemandOnGroup(GrainFactory, actor, groupId);
                return;
            }
            if (groupGrants.Count >= MaxKeptGrants)
            {
                groupGrants.Clear();
            }
            if (epoch == groupEpoch)
            {
                groupGrants[key] = read;
            }
            access = read;
        }
        AccessPolicy.Demand(actor, access, GridAction.RunFlow, "group", groupId);
    }

    /// <summary>
    /// The plan of the credential or mapping, kept until its source says it changed, or, for a mapping, until it asks its
    /// credentials again. A credential's option changes only when it is deleted.
    /// </summary>
    private async Task<CredentialPlan> PlanAsync()
    {
        if (keptPlan is { } kept && time.GetUtcNow() < kept.KeepUntil)
        {
            return kept.Plan;
        }
        var epoch = planEpoch;
        var read = Current.CredentialId is { } credentialId
            ? new KeptPlan(
                new CredentialPlan(credentialId, await GrainFactory.GetGrain<ICredentialGrain>(credentialId).WatchedOption(Id), new Dictionary<string, IReadOnlyList<CredentialOption>>()),
                DateTimeOffset.MaxValue)
            : await GrainFactory.GetGrain<IMachineMappingGrain>(Current.MappingId!).WatchedPlan(Id);
        if (epoch == planEpoch)
        {
            keptPlan = read;
        }
        return read.Plan;
    }

    /// <summary>Demands that the actor may use the credential or mapping, and that a credential is usable in connections.</summary>
    private async Task DemandCredential(Actor actor, ConnectionState connection)
    {
        if (connection.CredentialId is { } credentialId)
        {
            var credential = GrainFactory.GetGrain<ICredentialGrain>(credentialId);
            AccessPolicy.Demand(actor, await credential.AccessOf(actor), GridAction.UseCredential, "credential", credentialId);
            await credential.OptionForConnections();
            return;
        }
        var mappingId = connection.MappingId!;
        var mappingAccess = await GrainFactory.GetGrain<IMachineMappingGrain>(mappingId).AccessOf(actor);
        AccessPolicy.Demand(actor, mappingAccess, GridAction.UseCredential, "mapping", mappingId);
    }

    /// <summary>Tells the machine about the connection so it breaks when the machine joins a group; undoes the create if that fails.</summary>
    private async Task RegisterWithMachine(string machineId)
    {
        try
        {
            await GrainFactory.GetGrain<IMachineGrain>(machineId).AddDirectConnection(Id);
        }
        catch
        {
            await state.ClearStateAsync();
            throw;
        }
    }

    private async Task MarkBroken(string reason)
    {
        if (Current.Broken)
        {
            return;
        }
        var before = Current;
        await state.SaveAsync(before with { Broken = true, BrokenReason = reason });
        await audit.RecordAsync(before.MachineId ?? SystemActor, "connection.break", Resource, Summary(before), Summary(Current));
    }

    private void ThrowIfBroken()
    {
        if (Current.Broken)
        {
            throw new DomainException(DomainErrorCode.ConnectionBroken, $"Connection '{Current.Name}' is broken: {Current.BrokenReason}");
        }
    }

    private void RequireExists()
    {
        if (!state.RecordExists)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Connection {Id} does not exist.");
        }
    }

    private ConnectionView View() => new(
        Id,
        Current.Name,
        new ConnectionTarget(Current.MachineId, Current.GroupId),
        Current.CredentialId,
        Current.MappingId,
        Current.Broken ? ConnectionStatus.Broken : ConnectionStatus.Connected,
        Current.BrokenReason,
        Current.Owner!);

    private static object Summary(ConnectionState connection) => new
    {
        connection.Name,
        connection.MachineId,
        connection.GroupId,
        connection.CredentialId,
        connection.MappingId,
        Status = connection.Broken ? "Broken" : "Connected",
        connection.BrokenReason,
        Owner = connection.Owner?.Id,
    };
}
