using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A machine mapping, a kind of credential: a default credential and, per machine, the credentials to sign in with.
/// It lists only credentials usable in connections and never another mapping; each of its machines is claimed for it
/// (a machine belongs to at most one mapping). Sharing it shares its credentials.
/// </summary>
public sealed class MachineMappingGrain(
    [PersistentState("mapping")] IPersistentState<MappingState> state,
    AuditTrail audit,
    DirectoryIndex directory,
    IOptions<GridOptions> options,
    TimeProvider time) : Grain, IMachineMappingGrain
{
    /// <summary>
    /// How long a resolved plan serves further submissions. Resolving asks every listed credential (one call each), and
    /// submissions share one resolution instead. Any change to the mapping resolves anew at once. A credential's option
    /// changes only when it is deleted, and each group leaves deleted credentials out of the plans it takes (it is told of
    /// each deletion), so reuse only delays a credential created again under a deleted one's id from joining the plan.
    /// </summary>
    private static readonly TimeSpan PlanReuse = TimeSpan.FromSeconds(10);

    private readonly GridOptions limits = options.Value;
    private bool creating;
    private (MappingState For, DateTimeOffset At, CredentialPlan Plan)? cachedPlan;

    private string Id => this.GetPrimaryKeyString();

    private AuditResource Resource => AuditResource.Mapping(Id);

    private MappingState Current => state.State;

    /// <inheritdoc />
    public Task<MappingView> Create(Actor actor, CreateMapping request)
    {
        RequireNew();
        AccessPolicy.DemandRole(actor, GridAction.CreateCredential);
        return CreateChecked(actor, New(actor, request), "mapping.create");
    }

    /// <inheritdoc />
    public Task<MappingView> Get(Actor actor)
    {
        RequireVisible(actor);
        return Task.FromResult(View(actor));
    }

    /// <inheritdoc />
    public async Task<MappingView> SetMachine(Actor actor, string machineId, IReadOnlyList<string> credentialIds)
    {
        Demand(actor, GridAction.EditCredential);
        Validate.Id(machineId, "machineId");
        var ids = CredentialList(machineId, credentialIds);
        await CheckCredentials(actor, ids);
        await CheckMachine(actor, machineId);
        var before = Current;
        var added = !before.Machines.ContainsKey(machineId);
        if (added)
        {
            await GrainFactory.GetGrain<IMachineGrain>(machineId).ClaimForMapping(Id);
        }
        var machines = new Dictionary<string, IReadOnlyList<string>>(before.Machines) { [machineId] = ids };
        try
        {
            await state.SaveAsync(before with { Machines = machines });
        }
        catch when (added)
        {
            await MachineClaims.ReleaseAll(GrainFactory, Id, [machineId]);
            throw;
        }
        await TellWatchersAsync(Current.PlanWatchers);
        await ShareNewCredentials(before);
        await audit.RecordAsync(actor.Id, "mapping.set-machine", Resource, Summary(before), Summary(Current));
        return View(actor);
    }

    /// <inheritdoc />
    public async Task<MappingView> RemoveMachine(Actor actor, string machineId)
    {
        Demand(actor, GridAction.EditCredential);
        Validate.Id(machineId, "machineId");
        var before = Current;
        if (!before.Machines.ContainsKey(machineId))
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Machine {machineId} is not in mapping '{before.Name}'.");
        }
        var machines = before.Machines.Where(m => m.Key != machineId).ToDictionary();
        await state.SaveAsync(before with { Machines = machines });
        await TellWatchersAsync(Current.PlanWatchers);
        await MachineClaims.ReleaseAll(GrainFactory, Id, [machineId]);
        await audit.RecordAsync(actor.Id, "mapping.remove-machine", Resource, Summary(before), Summary(Current));
        return View(actor);
    }

    /// <inheritdoc />
    /// <remarks>The state goes first: a crash before the releases leaves claims held by a mapping that no longer exists, which <see cref="Exists"/> reports.</remarks>
    public async Task Delete(Actor actor)
    {
        Demand(actor, GridAction.EditCredential);
        var before = Current;
        await state.ClearStateAsync();
        await TellWatchersAsync(before.PlanWatchers);
        await directory.SyncAsync("mapping", Id, before.Access.Principals(), null);
        await MachineClaims.ReleaseAll(GrainFactory, Id, before.Machines.Keys);
        await audit.RecordAsync(actor.Id, "mapping.delete", Resource, Summary(before), null);
    }

    /// <inheritdoc />
    public async Task Share(Actor actor, string principalId, ResourceAccess access)
    {
        var own = Demand(actor, GridAction.ShareCredential);
        ShareRules.ValidateShare(principalId, access);
        ShareRules.DemandGrant(actor, own, access, $"mapping {Id}");
        DomainException.Require(Current.Access.Owner?.Id != principalId, $"{principalId} owns mapping {Id}.");
        var before = Current;
        if (before.Access.Of(principalId) != access)
        {
            await state.SaveAsync(before with { Access = before.Access.With(list => list.Grant(principalId, access)) });
            await directory.SyncAsync("mapping", Id, before.Access.Principals(), Current.Access.Principals());
            await audit.RecordAsync(actor.Id, "mapping.share", Resource, new { before.Access.Shares }, new { Current.Access.Shares });
        }
        await GrantOnCredentials(Current.CredentialIds(), [new(principalId, access)]);
    }

    /// <inheritdoc />
    public async Task Unshare(Actor actor, string principalId)
    {
        var own = Demand(actor, GridAction.ShareCredential);
        Validate.Id(principalId, "principalId");
        var before = Current;
        if (before.Access.Shares.TryGetValue(principalId, out var existing))
        {
            ShareRules.DemandRevoke(actor, own, existing, $"mapping {Id}");
            await state.SaveAsync(before with { Access = before.Access.With(list => list.Revoke(principalId)) });
            await directory.SyncAsync("mapping", Id, before.Access.Principals(), Current.Access.Principals());
            await audit.RecordAsync(actor.Id, "mapping.unshare", Resource, new { before.Access.Shares }, new { Current.Access.Shares });
        }
    }

    /// <inheritdoc />
    public Task<ResourceAccess?> AccessOf(Actor actor)
    {
        RequireExists();
        return Task.FromResult(Current.Access.Of(actor.Id));
    }

    /// <inheritdoc />
    /// <remarks>Machines and credentials deleted since they were mapped are left out; a deleted default credential is refused.</remarks>
    public async Task<MappingExport> Export(Actor actor)
    {
        RequireVisible(actor);
        var mapping = Current;
        var credentialNames = await CredentialNames(mapping.CredentialIds());
        var machineNames = await MachineNames(mapping.Machines.Keys);
        if (!credentialNames.TryGetValue(mapping.DefaultCredentialId, out var defaultName))
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"The default credential {mapping.DefaultCredentialId} of mapping '{mapping.Name}' no longer exists.");
        }
        var machines = mapping.Machines
            .Where(m => machineNames.ContainsKey(m.Key))
            .Select(m => new ExportedMachineCredentials(machineNames[m.Key], [.. m.Value.Where(credentialNames.ContainsKey).Select(id => credentialNames[id])]))
            .Where(m => m.CredentialNames.Count > 0)
            .ToList();
        return new MappingExport(mapping.Name, mapping.Description, defaultName, machines);
    }

    /// <inheritdoc />
    public Task<MappingView> Import(Actor actor, MappingExport document, IReadOnlyDictionary<string, string> machineIdsByName, IReadOnlyDictionary<string, string> credentialIdsByName)
    {
        RequireNew();
        AccessPolicy.DemandRole(actor, GridAction.CreateCredential);
        var request = MappingImport.ToRequest(document, machineIdsByName, credentialIdsByName);
        return CreateChecked(actor, New(actor, request), "mapping.import");
    }

    /// <inheritdoc />
    public async Task<CredentialPlan> Plan()
    {
        RequireExists();
        var mapping = Current;
        var now = time.GetUtcNow();
        if (cachedPlan is { } cached && ReferenceEquals(cached.For, mapping) && now - cached.At < PlanReuse && now >= cached.At)
        {
            return cached.Plan;
        }
        var options = await Options(mapping.CredentialIds());
        var perMachine = mapping.Machines.ToDictionary(
            m => m.Key,
            m => (IReadOnlyList<CredentialOption>)[.. m.Value.Where(options.ContainsKey).Select(id => options[id])]);
        var plan = new CredentialPlan(Id, options.GetValueOrDefault(mapping.DefaultCredentialId), perMachine);
        cachedPlan = (mapping, now, plan);
        return plan;
    }

    /// <inheritdoc />
    public async Task<KeptPlan> WatchedPlan(string connectionId)
    {
        RequireExists();
        Validate.Id(connectionId, "connectionId");
        if (!Current.PlanWatchers.Contains(connectionId, StringComparer.Ordinal))
        {
            await state.SaveAsync(Current with { PlanWatchers = [.. Current.PlanWatchers, connectionId] });
        }
        var plan = await Plan();
        return new KeptPlan(plan, cachedPlan!.Value.At + PlanReuse);
    }

    /// <inheritdoc />
    public Task<bool> Exists() => Task.FromResult(state.RecordExists || creating);

    private async Task<MappingView> CreateChecked(Actor actor, MappingState mapping, string action)
    {
        await CheckCredentials(actor, mapping.CredentialIds());
        await Task.WhenAll(mapping.Machines.Keys.Select(machineId => CheckMachine(actor, machineId)));
        creating = true;
        try
        {
            await MachineClaims.ClaimAll(GrainFactory, Id, mapping.Machines.Keys);
            try
            {
                await state.SaveAsync(mapping);
            }
            catch
            {
                await MachineClaims.ReleaseAll(GrainFactory, Id, mapping.Machines.Keys);
                throw;
            }
        }
        finally
        {
            creating = false;
        }
        await directory.SyncAsync("mapping", Id, null, mapping.Access.Principals());
        await audit.RecordAsync(actor.Id, action, Resource, null, Summary(mapping));
        return View(actor);
    }

    private MappingState New(Actor actor, CreateMapping request)
    {
        DomainException.Require(request is not null, "A mapping is required.");
        var entries = request!.Machines ?? throw new DomainException(DomainErrorCode.Validation, "machines is required (it may be empty).");
        var machines = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var machine in entries)
        {
            DomainException.Require(machine is not null, "machines must not contain empty entries.");
            var machineId = Validate.Id(machine!.MachineId, "machineId");
            DomainException.Require(machines.TryAdd(machineId, CredentialList(machineId, machine.CredentialIds)), $"Machine {machineId} is listed twice.");
        }
        return new MappingState
        {
            Name = Validate.Name(request.Name, "name", limits.MaxNameLength),
            Description = Validate.Optional(request.Description, "description", limits.MaxDescriptionLength),
            DefaultCredentialId = Validate.Id(request.DefaultCredentialId, "defaultCredentialId"),
            Machines = machines,
            Access = new AccessList { Owner = actor.Ref },
        };
    }

    private static string[] CredentialList(string machineId, IReadOnlyList<string>? credentialIds)
    {
        DomainException.Require(credentialIds is { Count: > 0 }, $"Machine {machineId} needs at least one credential.");
        var ids = credentialIds!.Select(id => Validate.Id(id, "credentialId")).ToArray();
        var repeated = ids.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        DomainException.Require(repeated is null, $"Machine {machineId} lists credential {repeated?.Key} more than once.");
        return ids;
    }

    /// <summary>Each credential must be a credential (not a mapping) the actor may use, usable in connections.</summary>
    private Task CheckCredentials(Actor actor, IEnumerable<string> credentialIds) =>
        Task.WhenAll(credentialIds.Select(id => CheckCredential(actor, id)));

    private async Task CheckCredential(Actor actor, string credentialId)
    {
        if (credentialId == Id)
        {
            throw Nested(credentialId);
        }
        var credential = GrainFactory.GetGrain<ICredentialGrain>(credentialId);
        ResourceAccess? access;
        try
        {
            access = await credential.AccessOf(actor);
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound)
        {
            if (await GrainFactory.GetGrain<IMachineMappingGrain>(credentialId).Exists())
            {
                throw Nested(credentialId);
            }
            throw;
        }
        AccessPolicy.Demand(actor, access, GridAction.UseCredential, "credential", credentialId);
        await credential.OptionForConnections();
    }

    /// <summary>The actor must be able to run flows on a machine to map it (mapping it keeps it from every other mapping).</summary>
    private Task CheckMachine(Actor actor, string machineId) => RunFlowAccess.DemandOnMachine(GrainFactory, actor, machineId);

    /// <summary>Shares the credentials that <see cref="Current"/> lists and <paramref name="before"/> did not with every holder of a share on the mapping.</summary>
    private Task ShareNewCredentials(MappingState before)
    {
        var added = Current.CredentialIds().Except(before.CredentialIds(), StringComparer.Ordinal).ToList();
        return GrantOnCredentials(added, [.. Current.Access.Shares.Select(s => new ShareEntry(s.Key, s.Value))]);
    }

    private Task GrantOnCredentials(IReadOnlyList<string> credentialIds, IReadOnlyList<ShareEntry> shares) =>
        Task.WhenAll(credentialIds.SelectMany(id => shares.Select(share => GrantOnCredential(id, share))));

    private async Task GrantOnCredential(string credentialId, ShareEntry share)
    {
        try
        {
            await GrainFactory.GetGrain<ICredentialGrain>(credentialId).GrantFromMapping(share.PrincipalId, share.Access);
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound)
        {
            // The credential was deleted since it was mapped; there is nothing to share.
        }
    }

    /// <summary>Options of the credentials that still exist and are usable in connections.</summary>
    /// <summary>Awaited after a change is written and before it is acknowledged, so no connection routes with a plan it replaced.</summary>
    private Task TellWatchersAsync(IEnumerable<string> connectionIds) =>
        Task.WhenAll(connectionIds.Select(id => GrainFactory.GetGrain<IConnectionGrain>(id).PlanSourceChanged()));

    private async Task<Dictionary<string, CredentialOption>> Options(IEnumerable<string> credentialIds)
    {
        var options = await Task.WhenAll(credentialIds.Select(TryOption));
        return options.OfType<CredentialOption>().ToDictionary(o => o.CredentialId);
    }

    private async Task<CredentialOption?> TryOption(string credentialId)
    {
        try
        {
            return await GrainFactory.GetGrain<ICredentialGrain>(credentialId).OptionForConnections();
        }
        catch (DomainException ex) when (ex.Code is DomainErrorCode.NotFound or DomainErrorCode.CredentialNotUsableInConnections)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, string>> CredentialNames(IEnumerable<string> credentialIds) =>
        (await Options(credentialIds)).ToDictionary(o => o.Key, o => o.Value.Name);

    private async Task<Dictionary<string, string>> MachineNames(IEnumerable<string> machineIds)
    {
        var names = await Task.WhenAll(machineIds.Select(async id => (Id: id, Name: await GrainFactory.GetGrain<IMachineGrain>(id).NameOf())));
        return names.Where(n => n.Name is not null).ToDictionary(n => n.Id, n => n.Name!);
    }

    private ResourceAccess? Demand(Actor actor, GridAction action)
    {
        RequireExists();
        var access = Current.Access.Of(actor.Id);
        AccessPolicy.Demand(actor, access, action, "mapping", Id);
        return access;
    }

    private void RequireVisible(Actor actor)
    {
        RequireExists();
        if (!actor.IsAdmin && Current.Access.Of(actor.Id) is null)
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to mapping {Id}.");
        }
    }

    private void RequireExists()
    {
        if (!state.RecordExists)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Mapping {Id} does not exist.");
        }
    }

    private void RequireNew()
    {
        if (state.RecordExists || creating)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Mapping {Id} already exists.");
        }
    }

    private DomainException Nested(string credentialId) =>
        new(DomainErrorCode.NestedMapping, $"{credentialId} is a machine mapping; mapping {Id} cannot contain a mapping.");

    private MappingView View(Actor actor) => new(
        Id,
        Current.Name,
        Current.Description,
        Current.DefaultCredentialId,
        [.. Current.Machines.Select(m => new MachineCredentials(m.Key, [.. m.Value]))],
        Current.Access.Owner!,
        Current.Access.Of(actor.Id));

    private static object Summary(MappingState mapping) => new
    {
        mapping.Name,
        mapping.Description,
        DefaultCredential = mapping.DefaultCredentialId,
        mapping.Machines,
        Owner = mapping.Access.Owner?.Id,
        mapping.Access.Shares,
    };
}
