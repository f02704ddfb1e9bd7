global using MachineGrid.Persistence.Tests.Support;
global using MachineGrid.TestSupport;
global using Xunit;
