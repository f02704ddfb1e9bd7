using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Xunit;

namespace MachineGrid.Gateway.Tests;

public sealed class SecretsTests
{
    [Fact]
    public async Task Secrets_passwords_and_keys_appear_in_no_response_log_line_or_stored_file()
    {
        await using var host = await GatewayHost.StartAsync();
        var responses = new ConcurrentQueue<ApiResponse>();
        var grid = new Grid(host, responses.Enqueue);
        var secret = "Secret-Zebra-" + Guid.NewGuid().ToString("N");
        var password = "Password-Okapi-" + Guid.NewGuid().ToString("N");

        // A principal whose key is returned once, and used.
        var principal = await grid.PrincipalAsync("EnvironmentMaker", "MachineOwner");
        var keyResponse = responses.Single(r => r.Path == "api/v1/principals");
        (await principal.Api.GetAsync("api/v1/me")).Is(HttpStatusCode.OK);
        (await grid.As(principal.Key + "x").GetAsync("api/v1/me")).IsProblem(HttpStatusCode.Unauthorized, "Unauthenticated");

        // A group with a password, a machine joining with it, and wrong guesses.
        var groupId = await grid.GroupAsync(principal.Api);
        (await principal.Api.PutAsync($"api/v1/groups/{groupId}/password", new { newPassword = password })).Is(HttpStatusCode.NoContent);
        var machine = await grid.MachineAsync(principal.Api);
        (await principal.Api.PutAsync($"api/v1/machines/{machine.Id}/group", new { groupId, password = password + "-wrong" })).IsProblem(HttpStatusCode.Forbidden, "WrongGroupPassword");
        await grid.JoinAsync(machine, groupId, principal.Api, password);
        (await principal.Api.SendRawAsync(HttpMethod.Put, $"api/v1/groups/{groupId}/password", $$"""{"newPassword":"{{password}}","extra":}""")).IsProblem(HttpStatusCode.BadRequest, "Validation");
        await Grid.HeartbeatAsync(machine);

        // A credential with the secret, refused requests that carry it, and every read of it.
        var credentialId = await grid.CredentialAsync(principal.Api, secret: secret);
        (await principal.Api.PostAsync("api/v1/credentials", new { name = "x", username = "u", store = "CyberArk", secret, secretRef = "safe/object", usableInConnections = true }))
            .IsProblem(HttpStatusCode.BadRequest, "Validation");
        (await principal.Api.SendRawAsync(HttpMethod.Post, "api/v1/credentials", $$"""{"name":"x","username":"u","store":"Local","secret":"{{secret}}","usableInConnections":"maybe"}"""))
            .IsProblem(HttpStatusCode.BadRequest, "Validation");
        (await principal.Api.PostAsync("api/v1/credentials", new { name = "x", username = "u", store = "Local", secret = secret + new string('s', 5000), usableInConnections = true }))
            .IsProblem(HttpStatusCode.BadRequest, "Validation");
        (await principal.Api.GetAsync($"api/v1/credentials/{credentialId}")).Is(HttpStatusCode.OK);
        (await principal.Api.GetAsync("api/v1/credentials")).Is(HttpStatusCode.OK);

        // A run that uses it: the agent, and only the agent, receives the secret.
        var connectionId = await grid.GroupConnectionAsync(groupId, credentialId, principal.Api);
        var runId = (await grid.SubmitAsync(connectionId, principal.Api)).Id;
        var assignment = await Grid.TakeAsync(machine);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/start")).Is(HttpStatusCode.NoContent);
        (await machine.Agent.PostAsync($"api/v1/agent/runs/{runId}/complete", new { status = "Succeeded", outputs = new { ok = true } })).Is(HttpStatusCode.NoContent);
        (await principal.Api.GetAsync($"api/v1/runs/{runId}")).Is(HttpStatusCode.OK);
        (await principal.Api.GetAsync("api/v1/runs")).Is(HttpStatusCode.OK);
        (await principal.Api.GetAsync($"api/v1/groups/{groupId}")).Is(HttpStatusCode.OK);
        (await principal.Api.GetAsync($"api/v1/groups/{groupId}/machines")).Is(HttpStatusCode.OK);
        (await principal.Api.GetAsync($"api/v1/machines/{machine.Id}")).Is(HttpStatusCode.OK);
        (await grid.Admin.GetAsync("api/v1/audit?limit=200")).Is(HttpStatusCode.OK);

        Assert.Equal(secret, assignment.Json.GetProperty("credential").GetProperty("secret").GetString());
        var machineKeyResponse = responses.Single(r => r.Body.Contains(machine.Key, StringComparison.Ordinal));
        Assert.Equal("api/v1/machines", machineKeyResponse.Path);
        Assert.Contains(principal.Key, keyResponse.Body, StringComparison.Ordinal);
        var scanned = responses.Where(r => r != assignment).ToList();
        Assert.True(scanned.Count >= 25, $"Only {scanned.Count} responses were captured.");
        AssertNowhere(secret, scanned.Select(r => r.ToString()), "a response");
        AssertNowhere(password, scanned.Select(r => r.ToString()), "a response");
        AssertNowhere(principal.Key, scanned.Where(r => r != keyResponse).Select(r => r.ToString()), "a response");
        AssertNowhere(machine.Key, scanned.Where(r => r != machineKeyResponse).Select(r => r.ToString()), "a response");
        Assert.NotEmpty(host.Logs.Lines);
        foreach (var value in new[] { secret, password, principal.Key, machine.Key, host.AdminKey })
        {
            AssertNowhere(value, host.Logs.Lines, "a log line");
            AssertNowhere(value, StoredText(host.DataDirectory), "a stored file");
        }
    }

    private static void AssertNowhere(string value, IEnumerable<string> texts, string where)
    {
        var found = texts.FirstOrDefault(text => text.Contains(value, StringComparison.Ordinal));
        Assert.True(found is null, $"'{value}' leaked into {where}: {found}");
    }

    /// <summary>The file's bytes; null when it is gone, as the running journal deletes applied files and renames its spare.</summary>
    private static byte[]? Read(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Every file under the data folder, read as UTF-8 and as UTF-16. The database's lock file, which the running silo
    /// holds exclusively, is not read: it must be empty.
    /// </summary>
    private static IEnumerable<string> StoredText(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(".lock", StringComparison.Ordinal))
            {
                Assert.Equal(0, new FileInfo(file).Length);
                continue;
            }
            if (Read(file) is not { } bytes)
            {
                continue;
            }
            yield return file + ": " + Encoding.UTF8.GetString(bytes);
            yield return file + ": " + Encoding.Unicode.GetString(bytes);
        }
    }
}
