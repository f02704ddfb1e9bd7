using MachineGrid.Gateway;
using MachineGrid.Silo;

try
{
    // Settings ship beside the binary; ./data stays relative to where the silo is started.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Configuration.AddCommandLine(args, SiloSettings.SwitchMappings);
    builder.AddMachineGridSilo();
    builder.Services.AddMachineGridGateway();
    var app = builder.Build();
    app.MapMachineGridGateway();
    app.Run();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } reason)
{
    Console.Error.WriteLine($"MachineGrid silo did not start: {reason}");
    return 1;
}

/// <summary>The silo host; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
