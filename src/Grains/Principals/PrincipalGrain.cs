using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>A user principal: name, roles, and an API key stored only as a hash.</summary>
internal sealed class PrincipalGrain(
    [PersistentState("principal")] IPersistentState<PrincipalState> state,
    ApiKeys keys,
    AuditTrail audit,
    IOptions<GridOptions> options) : Grain, IPrincipalGrain
{
    private const EnvironmentRoles AllRoles = EnvironmentRoles.EnvironmentAdmin | EnvironmentRoles.EnvironmentMaker
        | EnvironmentRoles.MachineOwner | EnvironmentRoles.MachineUser | EnvironmentRoles.MachineUserCanShare;

    public async Task<CreatedPrincipal> Create(Actor actor, string name, EnvironmentRoles roles)
    {
        if (!actor.IsAdmin)
        {
            throw new DomainException(DomainErrorCode.Forbidden, "Only Environment Admins may create principals.");
        }
        if (state.State.Created)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Principal {this.GetPrimaryKeyString()} already exists.");
        }
        DomainException.Require((roles & ~AllRoles) == 0, "roles has an unknown role.");
        var key = ApiKeys.NewKey();
        var view = await SaveAsync(Validate.Name(name, "name", options.Value.MaxNameLength), roles, key);
        await audit.RecordAsync(actor.Id, "principal.create", AuditResource.Principal(view.Id), null, new { view.Name, view.Roles });
        return new CreatedPrincipal(view, key);
    }

    public async Task<bool> Bootstrap(string name, string apiKey)
    {
        if (state.State.Created && state.State.KeyHash is { Length: > 0 } stored && await keys.ExistsAsync(stored))
        {
            return false;
        }
        await SaveAsync(name, EnvironmentRoles.EnvironmentAdmin, apiKey);
        await audit.RecordAsync("system", "principal.bootstrap", AuditResource.Principal(this.GetPrimaryKeyString()), null, new { name });
        return true;
    }

    public Task<PrincipalView> Get(Actor actor)
    {
        if (!state.State.Created)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Principal {this.GetPrimaryKeyString()} does not exist.");
        }
        if (!actor.IsAdmin && actor.Id != this.GetPrimaryKeyString())
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} may only read itself.");
        }
        return Task.FromResult(View());
    }

    public async Task Delete(Actor actor)
    {
        if (!actor.IsAdmin)
        {
            throw new DomainException(DomainErrorCode.Forbidden, "Only Environment Admins may delete principals.");
        }
        if (!state.State.Created)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Principal {this.GetPrimaryKeyString()} does not exist.");
        }
        if (actor.Id == this.GetPrimaryKeyString())
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"{actor.Name} may not delete themself.");
        }
        var before = new { state.State.Name, state.State.Roles };
        await (state.State.KeyHash is { Length: > 0 } keyHash ? keys.RemoveAsync(keyHash) : keys.RemoveAllOfAsync(this.GetPrimaryKeyString()));
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IKeyRevocationHubGrain>("environment").Revoke(new KeyHolder(KeyHolderKind.Principal, this.GetPrimaryKeyString()));
        await audit.RecordAsync(actor.Id, "principal.delete", AuditResource.Principal(this.GetPrimaryKeyString()), before, null);
    }

    private async Task<PrincipalView> SaveAsync(string name, EnvironmentRoles roles, string key)
    {
        state.State.Created = true;
        state.State.Name = name;
        state.State.Roles = roles;
        state.State.KeyHash = ApiKeys.HashOf(key);
        await state.WriteStateAsync();
        var view = View();
        await keys.AddAsync(key, view);
        return view;
    }

    private PrincipalView View() => new(this.GetPrimaryKeyString(), state.State.Name, state.State.Roles);
}
