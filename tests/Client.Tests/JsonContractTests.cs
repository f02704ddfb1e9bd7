using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace MachineGrid.Client.Tests;

/// <summary>The wire shapes of ../shared/API.md: camelCase names, enums as strings, optional fields left out.</summary>
public sealed class JsonContractTests
{
    private static MachineGridJsonContext Json => MachineGridJsonContext.Default;

    [Fact]
    public void A_submit_request_uses_camel_case_and_enum_names_and_omits_what_is_not_set()
    {
        var request = new SubmitRunRequest("c-1", "invoice-flow", RunMode.Attended,
            Inputs: JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["count"] = 3 }),
            Priority: RunPriority.High, IdempotencyKey: "order-42");

        var json = JsonNode.Parse(JsonSerializer.Serialize(request, Json.SubmitRunRequest))!.AsObject();

        Assert.Equal(["connectionId", "flowId", "runMode", "inputs", "priority", "idempotencyKey"], json.Select(p => p.Key));
        Assert.Equal("Attended", (string?)json["runMode"]);
        Assert.Equal("High", (string?)json["priority"]);
        Assert.Equal(3, (int?)json["inputs"]!["count"]);
    }

    [Fact]
    public void A_patch_carries_only_the_fields_that_change()
    {
        Assert.Equal("""{"maintenance":true}""", JsonSerializer.Serialize(new UpdateGroupRequest(Maintenance: true), Json.UpdateGroupRequest));
        Assert.Equal("""{"maxSessions":4}""", JsonSerializer.Serialize(new UpdateMachineRequest(MaxSessions: 4), Json.UpdateMachineRequest));
    }

    [Fact]
    public void Requests_name_their_fields_as_the_contract_does()
    {
        Assert.Equal("""{"name":"ops","roles":["EnvironmentMaker","MachineUser"]}""",
            JsonSerializer.Serialize(new CreatePrincipalRequest("ops", [EnvironmentRole.EnvironmentMaker, EnvironmentRole.MachineUser]), Json.CreatePrincipalRequest));
        Assert.Equal("""{"name":"vm-1","kind":"Server","agentVersion":"1.0","os":"Linux","fingerprint":"fp","maxSessions":3}""",
            JsonSerializer.Serialize(new RegisterMachineRequest("vm-1", MachineKind.Server, "1.0", "Linux", "fp", MaxSessions: 3), Json.RegisterMachineRequest));
        Assert.Equal("""{"groupId":"g-1","password":"pw"}""", JsonSerializer.Serialize(new JoinGroupRequest("g-1", "pw"), Json.JoinGroupRequest));
        Assert.Equal("""{"newPassword":"pw"}""", JsonSerializer.Serialize(new SetGroupPasswordRequest("pw"), Json.SetGroupPasswordRequest));
        Assert.Equal("""{"principalId":"p-2","access":"CoOwner"}""", JsonSerializer.Serialize(new ShareRequest("p-2", ResourceAccess.CoOwner), Json.ShareRequest));
        Assert.Equal("""{"name":"svc","username":"CORP\\svc","store":"Local","secret":"s3cret","usableInConnections":true}""",
            JsonSerializer.Serialize(new CreateCredentialRequest("svc", @"CORP\svc", CredentialStore.Local, "s3cret"), Json.CreateCredentialRequest));
        Assert.Equal("""{"name":"m","defaultCredentialId":"cr-1","machines":[{"machineId":"m-1","credentialIds":["cr-2"]}]}""",
            JsonSerializer.Serialize(new CreateMappingRequest("m", "cr-1", [new MachineCredentials("m-1", ["cr-2"])]), Json.CreateMappingRequest));
        Assert.Equal("""{"name":"to-group","target":{"groupId":"g-1"},"mappingId":"map-1"}""",
            JsonSerializer.Serialize(new CreateConnectionRequest("to-group", ConnectionTarget.Group("g-1"), MappingId: "map-1"), Json.CreateConnectionRequest));
        Assert.Equal("""{"priority":"Low"}""", JsonSerializer.Serialize(new SetRunPriorityRequest(RunPriority.Low), Json.SetRunPriorityRequest));
    }

    [Fact]
    public void Agent_requests_match_the_wire_notes()
    {
        Assert.Equal("""{"agentInstanceId":"i-1","fingerprint":"fp","sessions":[{"user":"alice"}],"status":"Maintenance"}""",
            JsonSerializer.Serialize(new HeartbeatRequest("i-1", "fp", [new AgentSession("alice")], MachineStatus.Maintenance), Json.HeartbeatRequest));
        Assert.Equal("""{"agentInstanceId":"i-1","fingerprint":"fp","sessions":[]}""",
            JsonSerializer.Serialize(new HeartbeatRequest("i-1", "fp", []), Json.HeartbeatRequest));
        Assert.Equal("""{"status":"Failed","outputs":{"rows":2},"error":"boom"}""",
            JsonSerializer.Serialize(new CompleteRunRequest(CompletionStatus.Failed, JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["rows"] = 2 }), "boom"), Json.CompleteRunRequest));
        Assert.Equal("""{"reason":"locked out"}""", JsonSerializer.Serialize(new CredentialFailureRequest("locked out"), Json.CredentialFailureRequest));
    }

    [Fact]
    public void A_run_reads_from_the_contract_shape_and_ignores_added_fields()
    {
        const string body = """
            {"id":"r-1","status":"Succeeded","statusReason":"Completed","flowId":"f","runMode":"Unattended","groupId":"g-1","machineId":"m-3",
             "credential":{"name":"svc","username":"CORP\\svc"},"priority":"Normal","enqueuedAt":"2025-01-02T03:04:05+00:00",
             "assignedAt":"2025-01-02T03:04:06+00:00","startedAt":"2025-01-02T03:04:07+00:00","endedAt":"2025-01-02T03:04:09.5+00:00",
             "attempts":1,"maxAttempts":2,"outputs":{"total":12.5},"error":null,"somethingNew":[1,2]}
            """;

        var run = JsonSerializer.Deserialize(body, Json.Run)!;

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.True(run.Status.IsFinal());
        Assert.Equal("m-3", run.MachineId);
        Assert.Equal(new RunCredential("svc", @"CORP\svc"), run.Credential);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 9, 500, TimeSpan.Zero), run.EndedAt);
        Assert.Equal(12.5, run.Outputs!.Value.GetProperty("total").GetDouble());
        Assert.Equal(2, run.MaxAttempts);
    }

    [Fact]
    public void A_queued_run_has_no_machine_or_outputs()
    {
        var run = JsonSerializer.Deserialize("""{"id":"r-2","status":"Queued","statusReason":"Waiting","priority":"High","enqueuedAt":"2025-01-02T03:04:05Z","attempts":0,"outputs":null}""", Json.Run)!;

        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.False(run.Status.IsFinal());
        Assert.Null(run.MachineId);
        Assert.Null(run.Credential);
        Assert.Null(run.Outputs);
    }

    [Fact]
    public void A_page_of_groups_reads_items_and_cursor()
    {
        const string body = """
            {"items":[{"id":"g-1","name":"ops","description":null,"machineCount":50,"runningCount":7,"queuedCount":3,"access":"CoOwner",
                       "owner":{"id":"p-1","name":"ann"},"maintenance":false,"hasPassword":true}],"next":"c-2"}
            """;

        var page = JsonSerializer.Deserialize(body, Json.PageMachineGroup)!;

        var group = Assert.Single(page.Items);
        Assert.Equal(ResourceAccess.CoOwner, group.Access);
        Assert.Equal(50, group.MachineCount);
        Assert.Equal(new PrincipalRef("p-1", "ann"), group.Owner);
        Assert.True(group.HasPassword);
        Assert.Equal("c-2", page.Next);
    }

    [Fact]
    public void A_machine_and_a_registration_read_their_fields()
    {
        const string machineJson = """
            {"id":"m-1","name":"vm-1","description":null,"status":"Online","kind":"Server","maxSessions":3,"groupId":"g-1",
             "sessions":[{"user":"alice","runId":"r-9"},{"user":"bob","runId":null}],"lastHeartbeat":"2025-01-02T03:04:05Z",
             "agentVersion":"1.2.3","os":"Linux","owner":{"id":"p-1","name":"ann"},"access":"Owner"}
            """;
        var machine = JsonSerializer.Deserialize(machineJson, Json.Machine)!;
        var registered = JsonSerializer.Deserialize(machineJson.Replace("\"access\":\"Owner\"", "\"access\":\"Owner\",\"machineKey\":\"mk.m-1.abc\""), Json.RegisteredMachine)!;

        Assert.Equal(MachineStatus.Online, machine.Status);
        Assert.Equal(MachineKind.Server, machine.Kind);
        Assert.Equal([new MachineSession("alice", "r-9"), new MachineSession("bob")], machine.Sessions!);
        Assert.Equal("mk.m-1.abc", registered.MachineKey);
        Assert.Equal("m-1", AgentClient.MachineIdOf(registered.MachineKey));
    }

    [Fact]
    public void An_assignment_carries_inputs_and_the_credential_but_never_prints_the_secret()
    {
        const string body = """
            {"runId":"r-1","flowId":"f","inputs":{"invoice":"A-1"},"runMode":"Unattended",
             "credential":{"username":"svc","secret":"hunter2"},"runDeadline":"2025-01-02T04:00:00Z"}
            """;

        var assignment = JsonSerializer.Deserialize(body, Json.AgentAssignment)!;

        Assert.Equal("A-1", assignment.Inputs!.Value.GetProperty("invoice").GetString());
        Assert.Equal("hunter2", assignment.Credential!.Secret);
        Assert.DoesNotContain("hunter2", assignment.ToString());
        Assert.Null(assignment.ResolvedCredentialId);
    }

    [Fact]
    public void Principals_mappings_connections_and_queues_read_back()
    {
        var created = JsonSerializer.Deserialize("""{"id":"p-2","name":"ops","roles":["EnvironmentMaker"],"apiKey":"mgk_x"}""", Json.CreatedPrincipal)!;
        var mapping = JsonSerializer.Deserialize("""{"id":"map-1","name":"m","description":null,"defaultCredentialId":"cr-1","machines":[{"machineId":"m-1","credentialIds":["cr-2","cr-3"]}],"owner":{"id":"p-1","name":"a"},"access":"UserShare"}""", Json.Mapping)!;
        var document = JsonSerializer.Deserialize("""{"name":"m","description":"d","defaultCredentialName":"svc","machines":[{"machineName":"vm-1","credentialNames":["svc2"]}]}""", Json.MappingDocument)!;
        var connection = JsonSerializer.Deserialize("""{"id":"cn-1","name":"c","target":{"machineId":"m-1","groupId":null},"credentialId":"cr-1","mappingId":null,"status":"Broken","statusReason":"MachineJoinedGroup","owner":{"id":"p-1","name":"a"}}""", Json.Connection)!;
        var queue = JsonSerializer.Deserialize("""{"items":[{"runId":"r-1","priority":"Low","position":1,"enqueuedAt":"2025-01-02T03:04:05Z","waitReason":"NoMachineOnline"}],"next":null}""", Json.PageQueuedRun)!;

        Assert.Equal([EnvironmentRole.EnvironmentMaker], created.Roles);
        Assert.Equal("mgk_x", created.ApiKey);
        Assert.Equal(["cr-2", "cr-3"], mapping.Machines[0].CredentialIds);
        Assert.Equal(ResourceAccess.UserShare, mapping.Access);
        Assert.Equal("vm-1", document.Machines[0].MachineName);
        Assert.Equal(ConnectionStatus.Broken, connection.Status);
        Assert.Equal(ConnectionTarget.Machine("m-1"), connection.Target);
        Assert.Equal(new QueuedRun("r-1", RunPriority.Low, 1, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), "NoMachineOnline"), queue.Items[0]);
        Assert.Null(queue.Next);
    }

    [Fact]
    public void A_group_member_reads_as_the_group_schedules_it()
    {
        var page = JsonSerializer.Deserialize("""{"items":[{"machineId":"m-1","name":"vm-1","online":true,"maintenance":false,"maxSessions":3,"signedInUsers":["alice"],"failedCredentials":["cr-9"]}],"next":null}""", Json.PageGroupMachine)!;

        var member = Assert.Single(page.Items);
        Assert.Equal(("m-1", true, 3), (member.MachineId, member.Online, member.MaxSessions));
        Assert.Equal(["alice"], member.SignedInUsers!);
        Assert.Equal(["cr-9"], member.FailedCredentials!);
    }

    [Fact]
    public void An_unknown_enum_value_is_a_json_error_not_a_silent_default()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"id":"r","status":"Exploded","priority":"Normal","enqueuedAt":"2025-01-02T03:04:05Z","attempts":0}""", Json.Run));
    }
}
