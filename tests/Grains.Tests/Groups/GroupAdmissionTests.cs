using Xunit;

namespace MachineGrid.Grains.Tests.Groups;

public sealed class GroupAdmissionTests
{
    private static readonly GridOptions Limits = new() { MaxMachinesPerGroup = 2, PasswordIterations = 1_000 };

    [Fact]
    public void The_first_machine_sets_the_password_and_later_ones_must_match_it()
    {
        var group = new GroupState { Name = "g" };

        GroupAdmission.Admit(group, "first-password", Limits);
        Assert.NotNull(group.Password);
        Assert.True(group.Password.Matches("first-password"));

        var wrong = Assert.Throws<DomainException>(() => GroupAdmission.Admit(group, "other-password", Limits));
        Assert.Equal(DomainErrorCode.WrongGroupPassword, wrong.Code);
        Assert.True(group.Password.Matches("first-password"));
        GroupAdmission.Admit(group, "first-password", Limits);
    }

    [Fact]
    public void A_full_group_is_refused_even_with_the_right_password()
    {
        var group = new GroupState { Name = "g" };
        GroupAdmission.Admit(group, "group-password", Limits);
        foreach (var id in new[] { "m-1", "m-2" })
        {
            group.Members[id] = new MemberState { Machine = new MachineAvailability(id, id, true, false, 1, [], []) };
        }

        var full = Assert.Throws<DomainException>(() => GroupAdmission.Admit(group, "group-password", Limits));
        Assert.Equal(DomainErrorCode.GroupFull, full.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("short")]
    public void A_password_under_8_characters_is_refused_before_anything_changes(string? password)
    {
        var group = new GroupState { Name = "g" };

        var refused = Assert.Throws<DomainException>(() => GroupAdmission.Admit(group, password!, Limits));
        Assert.Equal(DomainErrorCode.Validation, refused.Code);
        Assert.Null(group.Password);
    }
}
