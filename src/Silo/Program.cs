using MachineGrid.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddCommandLine(args, SiloSettings.SwitchMappings);
builder.AddMachineGridSilo();
await builder.Build().RunAsync();
