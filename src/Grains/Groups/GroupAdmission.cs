namespace MachineGrid.Grains;

/// <summary>What a machine must meet to join a group: the group's password, which the first machine to join sets, and room.</summary>
internal static class GroupAdmission
{
    public static void ValidatePassword(string? password) =>
        DomainException.Require(password is { Length: >= 8 and <= 256 }, "The group password must be 8 to 256 characters.");

    /// <summary>Checks the password (setting it on a group that has none) and that the group is not full; throws if either fails.</summary>
    public static void Admit(GroupState group, string password, GridOptions limits)
    {
        ValidatePassword(password);
        if (group.Password is null)
        {
            group.Password = GroupPassword.Create(password, limits.PasswordIterations);
        }
        else if (!group.Password.Matches(password))
        {
            throw new DomainException(DomainErrorCode.WrongGroupPassword, $"The password for group {group.Name} is wrong.");
        }
        if (group.Members.Count >= limits.MaxMachinesPerGroup)
        {
            throw new DomainException(DomainErrorCode.GroupFull, $"Group {group.Name} already has {limits.MaxMachinesPerGroup} machines, its maximum.");
        }
    }
}
