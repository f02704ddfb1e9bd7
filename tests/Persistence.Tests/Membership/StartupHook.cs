using MachineGrid.Persistence.Tests.Membership;

/// <summary>The .NET startup hook (it must have this name, in no namespace); it does something only in a silo child process.</summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(SiloProcess.SettingsVariable) is { Length: > 0 } settings)
        {
            SiloProcess.RunChild(settings);
        }
    }
}
