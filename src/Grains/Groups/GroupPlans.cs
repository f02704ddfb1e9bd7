namespace MachineGrid.Grains;

/// <summary>
/// The credential plan of each source a group's runs use, and when each credential was last deleted while this
/// activation ran, as a count of deletions: an enqueue whose credentials were checked just before one was deleted
/// still leaves it out.
/// </summary>
internal sealed class GroupPlans(Func<GroupState> group)
{
    private readonly Dictionary<string, long> deletions = [];

    public long DeletionCount { get; private set; }

    public bool Holds(CredentialPlan plan) => group().Plans.TryGetValue(plan.SourceId, out var known) && known.SameAs(plan);

    /// <summary>The credentials the plan offers that no plan here offers yet: the group is not yet told when they are deleted.</summary>
    public List<CredentialOption> Untracked(CredentialPlan plan)
    {
        var held = group().Plans.Values.SelectMany(p => p.Options()).Select(o => o.CredentialId).ToHashSet(StringComparer.Ordinal);
        return [.. plan.Options().Where(o => !held.Contains(o.CredentialId))];
    }

    /// <summary>
    /// The plan without the credentials found deleted and those deleted since <paramref name="deletionsBefore"/>. A plan
    /// left with no credential at all is refused: its runs could never be placed.
    /// </summary>
    public CredentialPlan WithoutDeleted(CredentialPlan plan, IEnumerable<CredentialOption> foundDeleted, long deletionsBefore)
    {
        var deletedMeanwhile = plan.Options().Where(o => deletions.GetValueOrDefault(o.CredentialId) > deletionsBefore);
        var gone = foundDeleted.Concat(deletedMeanwhile).ToList();
        if (gone.Count == 0)
        {
            return plan;
        }
        var remaining = plan.Without(gone.Select(o => o.CredentialId).ToHashSet(StringComparer.Ordinal));
        if (remaining.OffersNone())
        {
            throw new DomainException(DomainErrorCode.NotFound, GroupScheduler.DeletedCredentialText(gone[0]));
        }
        return remaining;
    }

    /// <summary>
    /// The plan without credentials that were deleted. Each credential that no plan here offered yet is first handed to
    /// <paramref name="track"/>, which asks the credential to tell the group when it is deleted and answers false when
    /// it already is.
    /// </summary>
    public async Task<CredentialPlan> WithoutDeletedAsync(CredentialPlan plan, Func<CredentialOption, Task<bool>> track)
    {
        var untracked = Untracked(plan);
        var deletionsBefore = DeletionCount;
        var tracked = await Task.WhenAll(untracked.Select(track));
        return WithoutDeleted(plan, untracked.Where((_, i) => !tracked[i]), deletionsBefore);
    }

    /// <summary>Keeps the plan for its source; returns whether it differs from the one kept before.</summary>
    public bool Keep(CredentialPlan plan)
    {
        var changed = !Holds(plan);
        // Keep the newest instance even when equal: the next runs bring the same instance, which compares by reference.
        group().Plans[plan.SourceId] = plan;
        return changed;
    }

    public void RecordDeletion(string credentialId) => deletions[credentialId] = ++DeletionCount;
}
