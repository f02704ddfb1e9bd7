using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace MachineGrid.Grains;

/// <summary>
/// A credential: name, username and a secret that is either kept here encrypted with ASP.NET Core Data Protection
/// (Local) or referenced in a vault (Azure Key Vault, CyberArk). The secret is never part of a view, message or audit
/// entry; it leaves the grain only through <see cref="ResolveSecret"/>, for the machine a run is assigned to.
/// </summary>
public sealed class CredentialGrain(
    [PersistentState("credential")] IPersistentState<CredentialState> state,
    AuditTrail audit,
    DirectoryIndex directory,
    DeletedCredentials deletedCredentials,
    IOptions<GridOptions> options,
    IDataProtectionProvider protection,
    TimeProvider time) : Grain, ICredentialGrain
{
    /// <summary>The Data Protection purpose that local secrets are encrypted under.</summary>
    public const string ProtectorPurpose = "MachineGrid.Credentials";

    /// <summary>The audit actor of changes the system makes on a mapping's behalf.</summary>
    internal const string MappingActor = "system:mapping";

    private const int MaxReasonLength = 2_000;

    private readonly IDataProtector protector = protection.CreateProtector(ProtectorPurpose);
    private readonly GridOptions limits = options.Value;
    private (string Protected, string Plain)? decrypted;

    private string Id => this.GetPrimaryKeyString();

    private AuditResource Resource => AuditResource.Credential(Id);

    private CredentialState Current => state.State;

    /// <inheritdoc />
    public async Task<CredentialView> Create(Actor actor, CreateCredential request)
    {
        if (state.RecordExists)
        {
            throw new DomainException(DomainErrorCode.AlreadyExists, $"Credential {Id} already exists.");
        }
        AccessPolicy.DemandRole(actor, GridAction.CreateCredential);
        var created = New(actor, request);
        await state.SaveAsync(created);
        await deletedCredentials.RemoveAsync(Id);
        await directory.SyncAsync("credential", Id, null, created.Access.Principals());
        await audit.RecordAsync(actor.Id, "credential.create", Resource, null, Summary(created));
        return View(actor);
    }

    /// <inheritdoc />
    public Task<CredentialView> Get(Actor actor)
    {
        RequireExists();
        if (!actor.IsAdmin && Current.Access.Of(actor.Id) is null)
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"{actor.Name} has no access to credential {Id}.");
        }
        return Task.FromResult(View(actor));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The queues holding runs that may use it are told first, and end or requeue those runs; a queue that cannot be told
    /// leaves the credential in place, to be deleted again.
    /// </remarks>
    public async Task Delete(Actor actor)
    {
        Demand(actor, GridAction.EditCredential);
        var before = Summary(Current);
        var principals = Current.Access.Principals();
        var deleted = new CredentialOption(Id, Current.Name, Current.Username);
        await Task.WhenAll(Current.Queues.Select(groupId => GrainFactory.GetGrain<IMachineGroupGrain>(groupId).CredentialDeleted(deleted)));
        await Task.WhenAll(Current.Connections.Select(id => GrainFactory.GetGrain<IConnectionGrain>(id).PlanSourceChanged()));
        await deletedCredentials.AddAsync(Id);
        await state.ClearStateAsync();
        await directory.SyncAsync("credential", Id, principals, null);
        await audit.RecordAsync(actor.Id, "credential.delete", Resource, before, null);
    }

    /// <inheritdoc />
    public async Task Share(Actor actor, string principalId, ResourceAccess access)
    {
        var own = Demand(actor, GridAction.ShareCredential);
        ShareRules.ValidateShare(principalId, access);
        ShareRules.DemandGrant(actor, own, access, $"credential {Id}");
        DomainException.Require(Current.Access.Owner?.Id != principalId, $"{principalId} owns credential {Id}.");
        if (Current.Access.Of(principalId) != access)
        {
            await ChangeAccess(actor.Id, "credential.share", list => list.Grant(principalId, access));
        }
    }

    /// <inheritdoc />
    public async Task Unshare(Actor actor, string principalId)
    {
        var own = Demand(actor, GridAction.ShareCredential);
        Validate.Id(principalId, "principalId");
        if (Current.Access.Shares.TryGetValue(principalId, out var existing))
        {
            ShareRules.DemandRevoke(actor, own, existing, $"credential {Id}");
            await ChangeAccess(actor.Id, "credential.unshare", list => list.Revoke(principalId));
        }
    }

    /// <inheritdoc />
    public Task<ResourceAccess?> AccessOf(Actor actor)
    {
        RequireExists();
        return Task.FromResult(Current.Access.Of(actor.Id));
    }

    /// <inheritdoc />
    public async Task ClearFailure(Actor actor, string machineId)
    {
        Demand(actor, GridAction.EditCredential);
        Validate.Id(machineId, "machineId");
        if (!Current.Failures.ContainsKey(machineId))
        {
            return;
        }
        var before = FailureSummary(Current);
        var failures = Current.Failures.Where(f => f.Key != machineId).ToDictionary();
        await state.SaveAsync(Current with { Failures = failures });
        await audit.RecordAsync(actor.Id, "credential.clear-failure", Resource, before, FailureSummary(Current));
        await TellMachineFailureCleared(machineId);
    }

    /// <inheritdoc />
    public Task<CredentialOption> OptionForConnections()
    {
        RequireExists();
        if (!Current.UsableInConnections)
        {
            throw new DomainException(DomainErrorCode.CredentialNotUsableInConnections, $"Credential '{Current.Name}' is not usable in connections.");
        }
        return Task.FromResult(new CredentialOption(Id, Current.Name, Current.Username));
    }

    /// <inheritdoc />
    public async Task GrantFromMapping(string principalId, ResourceAccess access)
    {
        RequireExists();
        Validate.Id(principalId, "principalId");
        Validate.Enum(access, "access");
        var granted = access == ResourceAccess.Owner ? ResourceAccess.CoOwner : access;
        if (Current.Access.Owner?.Id == principalId || Current.Access.Of(principalId) >= granted)
        {
            return;
        }
        await ChangeAccess(MappingActor, "credential.share", list => list.Grant(principalId, granted));
    }

    /// <inheritdoc />
    public async Task RecordFailure(string machineId, string reason)
    {
        RequireExists();
        Validate.Id(machineId, "machineId");
        var text = string.IsNullOrWhiteSpace(reason) ? "Sign-in failed." : Truncate(reason.Trim(), MaxReasonLength);
        var before = FailureSummary(Current);
        var failures = new Dictionary<string, CredentialFailure>(Current.Failures)
        {
            [machineId] = new CredentialFailure(machineId, text, time.GetUtcNow()),
        };
        await state.SaveAsync(Current with { Failures = failures });
        await audit.RecordAsync(machineId, "credential.failure", Resource, before, FailureSummary(Current));
    }

    /// <inheritdoc />
    public async Task<CredentialOption> WatchedOption(string connectionId)
    {
        var option = await OptionForConnections();
        Validate.Id(connectionId, "connectionId");
        if (!Current.Connections.Contains(connectionId, StringComparer.Ordinal))
        {
            await state.SaveAsync(Current with { Connections = [.. Current.Connections, connectionId] });
        }
        return option;
    }

    /// <inheritdoc />
    public async Task<bool> TrackQueue(string groupId)
    {
        if (!state.RecordExists)
        {
            return !await deletedCredentials.ContainsAsync(Id);
        }
        Validate.Id(groupId, "groupId");
        if (!Current.Queues.Contains(groupId))
        {
            await state.SaveAsync(Current with { Queues = [.. Current.Queues, groupId] });
        }
        return true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A Local secret is decrypted and returned. For Azure Key Vault and CyberArk no vault is reachable from here, so the
    /// result is the reference prefixed with <c>akv:</c> or <c>cyberark:</c>, for the agent to resolve with its own vault access.
    /// </remarks>
    public async Task<string> ResolveSecret(string machineId, string runId)
    {
        RequireExists();
        Validate.Id(machineId, "machineId");
        Validate.Id(runId, "runId");
        if (!await GrainFactory.GetGrain<IRunGrain>(runId).UsesCredentialOn(machineId, Id))
        {
            throw new DomainException(DomainErrorCode.Forbidden, $"Run {runId} is not assigned to machine {machineId} with credential {Id}.");
        }
        return Current.Store == CredentialStore.Local ? Decrypt(Current.ProtectedSecret!) : CredentialSecrets.VaultReference(Current.Store, Current.SecretRef!);
    }

    private CredentialState New(Actor actor, CreateCredential request)
    {
        DomainException.Require(request is not null, "A credential is required.");
        var name = Validate.Name(request!.Name, "name", limits.MaxNameLength);
        var username = Validate.Name(request.Username, "username", limits.MaxNameLength);
        var store = Validate.Enum(request.Store, "store");
        var reference = CredentialSecrets.Check(store, request.Secret, request.SecretRef);
        return new CredentialState
        {
            Name = name,
            Username = username,
            Store = store,
            ProtectedSecret = store == CredentialStore.Local ? protector.Protect(request.Secret!) : null,
            SecretRef = reference,
            UsableInConnections = request.UsableInConnections,
            Access = new AccessList { Owner = actor.Ref },
        };
    }

    private async Task ChangeAccess(string actorId, string action, Action<AccessList> change)
    {
        var before = Current.Access.Shares;
        var principals = Current.Access.Principals();
        await state.SaveAsync(Current with { Access = Current.Access.With(change) });
        await directory.SyncAsync("credential", Id, principals, Current.Access.Principals());
        await audit.RecordAsync(actorId, action, Resource, new { Shares = before }, new { Current.Access.Shares });
    }

    private async Task TellMachineFailureCleared(string machineId)
    {
        try
        {
            await GrainFactory.GetGrain<IMachineGrain>(machineId).ClearCredentialFailure(Id);
        }
        catch (DomainException ex) when (ex.Code == DomainErrorCode.NotFound)
        {
            // The machine is gone; there is nothing left to tell it.
        }
    }

    /// <summary>
    /// Decrypts the secret, once per activation and protected value: every assignment of a run with this credential asks
    /// for it, and each decryption derives a key and checks a MAC.
    /// </summary>
    private string Decrypt(string protectedSecret)
    {
        if (decrypted is { } known && ReferenceEquals(known.Protected, protectedSecret))
        {
            return known.Plain;
        }
        try
        {
            var plain = protector.Unprotect(protectedSecret);
            decrypted = (protectedSecret, plain);
            return plain;
        }
        catch (CryptographicException)
        {
            throw new DomainException(DomainErrorCode.InvalidState, $"The secret of credential {Id} cannot be decrypted; the Data Protection keys it was encrypted with are missing.");
        }
    }

    private ResourceAccess? Demand(Actor actor, GridAction action)
    {
        RequireExists();
        var access = Current.Access.Of(actor.Id);
        AccessPolicy.Demand(actor, access, action, "credential", Id);
        return access;
    }

    private void RequireExists()
    {
        if (!state.RecordExists)
        {
            throw new DomainException(DomainErrorCode.NotFound, $"Credential {Id} does not exist.");
        }
    }

    private CredentialView View(Actor actor) => new(
        Id,
        Current.Name,
        Current.Username,
        Current.Store,
        Current.SecretRef,
        Current.UsableInConnections,
        Current.Access.Owner!,
        Current.Access.Of(actor.Id),
        [.. Current.Failures.Values.OrderBy(f => f.At).ThenBy(f => f.MachineId, StringComparer.Ordinal)]);

    private static object Summary(CredentialState credential) => new
    {
        credential.Name,
        credential.Username,
        Store = credential.Store.ToString(),
        credential.SecretRef,
        credential.UsableInConnections,
        Owner = credential.Access.Owner?.Id,
        credential.Access.Shares,
    };

    private static object FailureSummary(CredentialState credential) => new { FailedOn = credential.Failures.Keys.Order(StringComparer.Ordinal).ToArray() };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
