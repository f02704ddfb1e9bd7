using System.Net;
using System.Net.Http.Json;
using MachineGrid.Silo;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class HostSmokeTests
{
    [Fact]
    public async Task The_bootstrap_admin_key_from_configuration_authenticates_and_health_answers()
    {
        await using var host = await GatewayHost.StartAsync();

        var health = await host.Client().GetAsync("healthz");
        var me = await host.Client(host.AdminKey).GetFromJsonAsync<Dictionary<string, object>>("api/v1/me");
        var anonymous = await host.Client().GetAsync("api/v1/me");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("p-admin", me!["id"].ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Adding_the_silo_has_socket_operations_complete_inline_unless_the_environment_chose()
    {
        const string variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        var before = Environment.GetEnvironmentVariable(variable);
        try
        {
            Environment.SetEnvironmentVariable(variable, null);
            WebApplication.CreateBuilder().AddMachineGridSilo();
            var whenUnset = Environment.GetEnvironmentVariable(variable);
            Environment.SetEnvironmentVariable(variable, "0");
            WebApplication.CreateBuilder().AddMachineGridSilo();

            Assert.Equal("1", whenUnset);
            Assert.Equal("0", Environment.GetEnvironmentVariable(variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, before);
        }
    }
}
