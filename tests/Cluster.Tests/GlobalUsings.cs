global using MachineGrid.Grains;
global using MachineGrid.TestSupport;
global using Xunit;
