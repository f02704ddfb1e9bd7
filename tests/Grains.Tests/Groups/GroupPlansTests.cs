using Xunit;

namespace MachineGrid.Grains.Tests.Groups;

public sealed class GroupPlansTests
{
    private static readonly CredentialOption First = new("c-1", "first", "first");
    private static readonly CredentialOption Second = new("c-2", "second", "second");
    private readonly GroupState group = new();
    private readonly GroupPlans plans;

    public GroupPlansTests() => plans = new GroupPlans(() => group);

    [Fact]
    public void Only_credentials_no_kept_plan_offers_are_untracked()
    {
        Assert.True(plans.Keep(PlanOf("s-1", First)));
        Assert.False(plans.Keep(PlanOf("s-1", First)));

        Assert.Equal([Second], plans.Untracked(PlanOf("s-2", First, Second)));
        Assert.True(plans.Holds(PlanOf("s-1", First)));
        Assert.False(plans.Holds(PlanOf("s-1", Second)));
    }

    [Fact]
    public void A_credential_deleted_while_the_plan_was_checked_is_left_out_and_a_plan_left_empty_is_refused()
    {
        var plan = PlanOf("s-1", First, Second);
        plans.RecordDeletion("c-2");
        var before = plans.DeletionCount;
        plans.RecordDeletion("c-1");

        var remaining = plans.WithoutDeleted(plan, [], before);

        Assert.Equal([Second], remaining.Options());
        Assert.Same(plan, plans.WithoutDeleted(plan, [], plans.DeletionCount));
        var refused = Assert.Throws<DomainException>(() => plans.WithoutDeleted(plan, [Second], before));
        Assert.Equal(DomainErrorCode.NotFound, refused.Code);
    }

    [Fact]
    public async Task Only_untracked_credentials_are_tracked_and_those_found_deleted_or_deleted_meanwhile_are_left_out()
    {
        var third = new CredentialOption("c-3", "third", "third");
        plans.Keep(PlanOf("s-1", First));
        var asked = new List<string>();

        var remaining = await plans.WithoutDeletedAsync(PlanOf("s-2", First, Second, third), async option =>
        {
            asked.Add(option.CredentialId);
            await Task.Yield();
            // c-3 is deleted while its tracking call is under way; c-2 is found already deleted.
            if (option.CredentialId == "c-3")
            {
                plans.RecordDeletion("c-3");
            }
            return option.CredentialId != "c-2";
        });

        Assert.Equal(["c-2", "c-3"], asked.Order());
        Assert.Equal([First], remaining.Options());
    }

    private static CredentialPlan PlanOf(string source, params CredentialOption[] options) =>
        new(source, null, new Dictionary<string, IReadOnlyList<CredentialOption>> { ["m-1"] = options });
}
