using Orleans.Configuration;

namespace MachineGrid.Persistence.Membership;

/// <summary>
/// How fast a cluster on the PostgreSQL membership table declares a silo dead. Orleans' defaults take 11–15 s after a
/// SIGKILL; these aim at under 5 s. A silo probes each other silo every <see cref="ProbeTimeout"/>; after
/// <see cref="MissedProbes"/> failed probes it votes the silo dead, and with three or more silos two votes declare it.
/// The trade: a silo whose process stalls for about three seconds (a long GC pause, a starved CPU) is declared dead
/// too, and must restart to rejoin. Orleans lengthens its probe timeout while it sees its own host degraded, which
/// keeps a busy silo from voting out a healthy one.
/// </summary>
public static class FailureDetection
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1.5);

    public const int MissedProbes = 2;

    /// <summary>How often a silo rereads the table, a backstop for the membership gossip between silos.</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    /// <summary>A silo writes that it is alive this often; a silo silent for three of these counts as gone when others join.</summary>
    public static readonly TimeSpan IAmAlivePublish = TimeSpan.FromSeconds(10);

    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbes;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TableRefresh;
        options.IAmAliveTablePublishTimeout = IAmAlivePublish;
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);
    }
}
