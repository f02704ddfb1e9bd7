namespace MachineGrid.Grains.Tests;

/// <summary>Principals with the roles the tests need.</summary>
public static class Actors
{
    public static Actor Admin { get; } = New("admin", EnvironmentRoles.EnvironmentAdmin);

    public static Actor New(string name, EnvironmentRoles roles) => new($"p-{name}-{Guid.NewGuid():N}", name, roles);

    public static Actor Owner() => New("owner", EnvironmentRoles.MachineOwner);

    public static Actor Maker() => New("maker", EnvironmentRoles.EnvironmentMaker);

    public static Actor User() => New("user", EnvironmentRoles.MachineUser);

    public static Actor Sharer() => New("sharer", EnvironmentRoles.MachineUserCanShare);
}
