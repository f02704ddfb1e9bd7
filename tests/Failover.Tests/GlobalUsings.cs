global using MachineGrid.Client;
global using MachineGrid.Gateway.Tests;
global using MachineGrid.TestSupport;
global using Xunit;
global using MachineGrid.Agent;
