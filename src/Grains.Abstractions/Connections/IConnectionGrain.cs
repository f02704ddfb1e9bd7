using Orleans.Concurrency;

namespace MachineGrid.Grains;

/// <summary>A desktop flow connection (key: connection id).</summary>
[Alias("mg.IConnectionGrain")]
public interface IConnectionGrain : IGrainWithStringKey
{
    /// <summary>Creates the connection; the actor needs User access to the target and to the credential or mapping.</summary>
    Task<ConnectionView> Create(Actor actor, CreateConnection request);

    /// <summary>The connection.</summary>
    [ReadOnly]
    Task<ConnectionView> Get(Actor actor);

    /// <summary>From a machine: the target machine joined a group. One-way, so a machine never waits on a connection that may be waiting on it.</summary>
    [OneWay]
    Task Break(string reason);

    /// <summary>
    /// From its target group: the group's access changed, so the grants read from it before are forgotten. Interleaves
    /// with routing, so a group never waits on a connection that waits on it.
    /// </summary>
    [AlwaysInterleave]
    Task GroupAccessChanged();

    /// <summary>
    /// From its mapping or credential: the mapping changed or either was deleted, so the plan kept from it is forgotten.
    /// Interleaves like <see cref="GroupAccessChanged"/>.
    /// </summary>
    [AlwaysInterleave]
    Task PlanSourceChanged();

    /// <summary>From a run: where to queue it and with which credentials; checks the actor may run flows through it.</summary>
    /// <exception cref="DomainException"><see cref="DomainErrorCode.ConnectionBroken"/>, <see cref="DomainErrorCode.Forbidden"/>.</exception>
    [ReadOnly]
    Task<ConnectionRoute> Route(Actor actor);
}
