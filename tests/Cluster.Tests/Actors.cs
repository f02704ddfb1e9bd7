namespace MachineGrid.Cluster.Tests;

/// <summary>Principals with the roles the tests need, each with a new id.</summary>
public static class Actors
{
    public static Actor Admin() => New("admin", EnvironmentRoles.EnvironmentAdmin);

    public static Actor Owner() => New("owner", EnvironmentRoles.MachineOwner);

    private static Actor New(string name, EnvironmentRoles roles) => new($"p-{name}-{Guid.NewGuid():N}", name, roles);
}
