namespace MachineGrid.Grains;

/// <summary>
/// Decides where a run can go and, when nowhere, why. A member is a candidate when it is online, neither it nor the
/// group is in maintenance, and one of the run's credentials for it (its mapped ones, else the default) can sign in:
/// none of its listed credentials failed there, the user is not already busy with one of our runs, and for an unattended
/// run the user has no session and a session is free, for an attended run the user's session is open.
/// </summary>
public static class Placement
{
    /// <summary>Finds the least loaded candidate machine and a credential for the run.</summary>
    public static bool TryPlace(GroupRun run, CredentialPlan plan, GroupState group, out string machineId, out CredentialOption credential)
    {
        machineId = "";
        credential = null!;
        if (group.Maintenance)
        {
            return false;
        }
        var bestLoad = int.MaxValue;
        foreach (var (id, member) in group.Members)
        {
            if (member.BusyUsers.Count < bestLoad && !IsFull(run, member) && Check(run, plan, member, out var option) == Verdict.Fits)
            {
                (machineId, credential, bestLoad) = (id, option!, member.BusyUsers.Count);
                if (bestLoad == 0)
                {
                    break;
                }
            }
        }
        return bestLoad != int.MaxValue;
    }

    /// <summary>Why the run cannot be placed now, from the members' actual state.</summary>
    public static string WaitReason(GroupRun run, CredentialPlan plan, GroupState group)
    {
        if (group.Maintenance)
        {
            return "The group is in maintenance.";
        }
        if (group.Members.Count == 0)
        {
            return "The group has no machines.";
        }
        var verdicts = group.Members.Values.Select(m => Check(run, plan, m, out _)).ToList();
        if (verdicts.Contains(Verdict.Fits))
        {
            return "Next in line for a free machine.";
        }
        var user = plan.Default?.Username ?? plan.PerMachine.Values.SelectMany(o => o).FirstOrDefault()?.Username ?? "?";
        var parts = verdicts.GroupBy(v => v).OrderBy(g => g.Key).Select(g => Describe(g.Key, g.Count(), user)).ToList();
        var total = group.Members.Count;
        if (verdicts.All(v => v == Verdict.Busy))
        {
            return $"All {total} machines are busy.";
        }
        return $"No machine can take it: {string.Join(", ", parts)}.";
    }

    private static string Describe(Verdict verdict, int count, string user) => verdict switch
    {
        Verdict.Offline => $"{count} offline",
        Verdict.Maintenance => $"{count} in maintenance",
        Verdict.Busy => $"{count} with every session in use",
        Verdict.NoCredential => $"{count} with no credential in this connection's mapping",
        Verdict.CredentialFailed => $"{count} where a mapped credential failed to sign in",
        Verdict.UserAlreadySignedIn => $"{count} where the run's user ({user}) is already signed in",
        Verdict.NoSessionForUser => $"{count} without an open session for user {user}",
        _ => $"{count} unavailable",
    };

    private static Verdict Check(GroupRun run, CredentialPlan plan, MemberState member, out CredentialOption? fit)
    {
        fit = null;
        var machine = member.Machine;
        if (!machine.Online)
        {
            return Verdict.Offline;
        }
        if (machine.Maintenance)
        {
            return Verdict.Maintenance;
        }
        var options = plan.For(machine.MachineId);
        if (options.Count == 0)
        {
            return Verdict.NoCredential;
        }
        if (options.Any(o => machine.FailedCredentials.Contains(o.CredentialId)))
        {
            return Verdict.CredentialFailed;
        }
        var verdict = Verdict.Busy;
        foreach (var option in options)
        {
            var signedIn = machine.SignedInUsers.Contains(option.Username, StringComparer.OrdinalIgnoreCase);
            var busy = member.BusyUsers.Values.Contains(option.Username, StringComparer.OrdinalIgnoreCase);
            var result = (run.RunMode, signedIn, busy) switch
            {
                (_, _, true) => Verdict.Busy,
                (RunMode.Attended, false, _) => Verdict.NoSessionForUser,
                (RunMode.Attended, true, _) => Verdict.Fits,
                (RunMode.Unattended, true, _) => Verdict.UserAlreadySignedIn,
                _ => SessionsInUse(machine, member) < machine.MaxSessions ? Verdict.Fits : Verdict.Busy,
            };
            if (result == Verdict.Fits)
            {
                fit = option;
                return Verdict.Fits;
            }
            verdict = result < verdict ? result : verdict;
        }
        return verdict;
    }

    /// <summary>An unattended run needs a free session, and with no user signed in a full machine cannot give one whatever the credential.</summary>
    private static bool IsFull(GroupRun run, MemberState member) =>
        run.RunMode == RunMode.Unattended && member.Machine.SignedInUsers.Count == 0 && SessionsInUse(member.Machine, member) >= member.Machine.MaxSessions;

    private static int SessionsInUse(MachineAvailability machine, MemberState member) =>
        machine.SignedInUsers.Count == 0 && member.BusyUsers.Count <= 1
            ? member.BusyUsers.Count
            : machine.SignedInUsers.Union(member.BusyUsers.Values, StringComparer.OrdinalIgnoreCase).Count();

    /// <summary>Why a member cannot take a run; the order is the order reasons are listed in.</summary>
    private enum Verdict
    {
        Fits,
        Offline,
        Maintenance,
        NoCredential,
        CredentialFailed,
        NoSessionForUser,
        UserAlreadySignedIn,
        Busy,
    }
}
