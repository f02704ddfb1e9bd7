using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// Generates requests that must each fail with a 4xx problem and change nothing. Every request gets at least one certain
/// fault (missing, unknown or misplaced key; an id no resource has; a body the gateway or the domain refuses before changing
/// anything; a bad query; a media type that is not JSON; a wrong method or route), and then random noise everywhere else:
/// random unicode, odd ids, extra fields. The parts that are not faulty are valid against the seeded store, so the fault is
/// what is tested.
/// </summary>
public sealed class BadRequestGenerator(SeededStore seed, string adminKey, Random random)
{
    private static readonly string[] Roles = ["EnvironmentAdmin", "EnvironmentMaker", "MachineOwner", "MachineUser", "MachineUserCanShare"];

    private static readonly Field[] Share =
    [
        new("principalId", FieldKind.Id),
        new("access", FieldKind.Enum, Values: ["User", "CoOwner"], Refused: ["Owner"]),
    ];

    private static readonly Field[] Principal =
    [
        new("name", FieldKind.Name),
        new("roles", FieldKind.EnumList, Values: Roles, Refused: ["None"]),
    ];

    private static readonly Field[] Group = [new("name", FieldKind.Name), new("description", FieldKind.Text, Required: false)];

    private static readonly Field[] UpdateGroup =
    [
        new("name", FieldKind.Name, Required: false),
        new("description", FieldKind.Text, Required: false),
        new("maintenance", FieldKind.Bool, Required: false),
    ];

    private static readonly Field[] Password = [new("newPassword", FieldKind.Password)];

    private static readonly Field[] RegisterMachine =
    [
        new("name", FieldKind.Name),
        new("description", FieldKind.Text, Required: false),
        new("kind", FieldKind.Enum, Values: ["Desktop"]),
        new("maxSessions", FieldKind.Int, Required: false, Values: ["1"], Refused: [0, -1, 2, 101, int.MaxValue]),
        new("agentVersion", FieldKind.Name),
        new("os", FieldKind.Name),
        new("fingerprint", FieldKind.Name),
    ];

    // The seeded machines are desktops: any session count but 1 is refused.
    private static readonly Field[] UpdateMachine =
    [
        new("description", FieldKind.Text, Required: false),
        new("maintenance", FieldKind.Bool, Required: false),
        new("maxSessions", FieldKind.Int, Required: false, Values: ["1"], Refused: [0, -5, 2, 100, int.MinValue]),
    ];

    private static readonly Field[] Join = [new("groupId", FieldKind.Id), new("password", FieldKind.Password)];

    private static readonly Field[] Credential =
    [
        new("name", FieldKind.Name),
        new("username", FieldKind.Name),
        new("store", FieldKind.Enum, Values: ["Local"]),
        new("secret", FieldKind.Secret, Required: false),
        new("usableInConnections", FieldKind.Bool),
    ];

    private static readonly Field[] MachineCredentials = [new("machineId", FieldKind.Id), new("credentialIds", FieldKind.IdList)];

    private static readonly Field[] Mapping =
    [
        new("name", FieldKind.Name),
        new("description", FieldKind.Text, Required: false),
        new("defaultCredentialId", FieldKind.Id),
        new("machines", FieldKind.ObjectList, Fields: MachineCredentials),
    ];

    private static readonly Field[] SetMachine = [new("credentialIds", FieldKind.IdList)];

    private static readonly Field[] Import =
    [
        new("document", FieldKind.Object, Fields:
        [
            new("name", FieldKind.Name),
            new("description", FieldKind.Text, Required: false),
            new("defaultCredentialName", FieldKind.Name),
            new("machines", FieldKind.ObjectList, Fields: [new("machineName", FieldKind.Name), new("credentialNames", FieldKind.NameList)]),
        ]),
    ];

    private static readonly Field[] Connection =
    [
        new("name", FieldKind.Name),
        new("target", FieldKind.Object, Fields: [new("groupId", FieldKind.Id)]),
        new("credentialId", FieldKind.Id, Required: false),
    ];

    private static readonly Field[] Run =
    [
        new("connectionId", FieldKind.Id),
        new("flowId", FieldKind.Name),
        new("inputs", FieldKind.Json, Required: false),
        new("runMode", FieldKind.Enum, Values: ["Unattended", "Attended"]),
        new("priority", FieldKind.Enum, Required: false, Values: ["High", "Normal", "Low"]),
        new("queueTimeoutSeconds", FieldKind.Int, Required: false, Values: ["60"], Refused: [0, -1, -3600, 10_801, int.MaxValue]),
        new("runTimeoutSeconds", FieldKind.Int, Required: false, Values: ["60"], Refused: [0, -30, 86_401, int.MinValue]),
        new("maxAttempts", FieldKind.Int, Required: false, Values: ["1"], Refused: [0, -1, 11, 1000]),
        new("idempotencyKey", FieldKind.Text, Required: false),
    ];

    private static readonly Field[] Priority = [new("priority", FieldKind.Enum, Values: ["High", "Normal", "Low"])];

    private static readonly Field[] Heartbeat =
    [
        new("agentInstanceId", FieldKind.Id, Required: false),
        new("fingerprint", FieldKind.Name, Required: false),
        new("sessions", FieldKind.ObjectList, Required: false, Fields: [new("user", FieldKind.Name)]),
        new("status", FieldKind.Enum, Required: false, Values: ["Online", "Maintenance"]),
    ];

    private static readonly Field[] Complete =
    [
        new("status", FieldKind.Enum, Values: ["Succeeded", "Failed"]),
        new("outputs", FieldKind.Json, Required: false),
        new("error", FieldKind.Text, Required: false),
    ];

    private static readonly Field[] Failure = [new("reason", FieldKind.Name)];

    private static readonly string[] ListQuery = ["limit=10"];

    /// <summary>Every endpoint of API.md.</summary>
    public static readonly FuzzEndpoint[] Endpoints =
    [
        new("POST", "api/v1/principals", Principal),
        new("GET", "api/v1/me"),
        new("POST", "api/v1/groups", Group),
        new("GET", "api/v1/groups", Query: "limit=10"),
        new("GET", "api/v1/groups/{group}"),
        new("PATCH", "api/v1/groups/{group}", UpdateGroup),
        new("DELETE", "api/v1/groups/{group}"),
        new("PUT", "api/v1/groups/{group}/password", Password),
        new("GET", "api/v1/groups/{group}/machines"),
        new("GET", "api/v1/groups/{group}/queue"),
        new("POST", "api/v1/groups/{group}/shares", Share),
        new("DELETE", "api/v1/groups/{group}/shares/{principal}"),
        new("POST", "api/v1/machines", RegisterMachine),
        new("GET", "api/v1/machines", Query: "limit=10"),
        new("GET", "api/v1/machines/{machine}"),
        new("PATCH", "api/v1/machines/{machine}", UpdateMachine),
        new("DELETE", "api/v1/machines/{machine}"),
        new("PUT", "api/v1/machines/{machine}/group", Join),
        new("DELETE", "api/v1/machines/{machine}/group"),
        new("POST", "api/v1/machines/{machine}/shares", Share),
        new("DELETE", "api/v1/machines/{machine}/shares/{principal}"),
        new("POST", "api/v1/credentials", Credential),
        new("GET", "api/v1/credentials", Query: "limit=10"),
        new("GET", "api/v1/credentials/{credential}"),
        new("DELETE", "api/v1/credentials/{credential}"),
        new("POST", "api/v1/credentials/{credential}/shares", Share),
        new("DELETE", "api/v1/credentials/{credential}/shares/{principal}"),
        new("POST", "api/v1/mappings", Mapping),
        new("GET", "api/v1/mappings", Query: "limit=10"),
        new("GET", "api/v1/mappings/{mapping}"),
        new("PUT", "api/v1/mappings/{mapping}/machines/{machine}", SetMachine),
        new("DELETE", "api/v1/mappings/{mapping}/machines/{machine}"),
        new("DELETE", "api/v1/mappings/{mapping}"),
        new("POST", "api/v1/mappings/{mapping}/shares", Share),
        new("DELETE", "api/v1/mappings/{mapping}/shares/{principal}"),
        new("GET", "api/v1/mappings/{mapping}/export"),
        new("POST", "api/v1/mappings/import", Import),
        new("POST", "api/v1/connections", Connection),
        new("GET", "api/v1/connections/{connection}"),
        new("POST", "api/v1/runs", Run),
        new("GET", "api/v1/runs", Query: "status=Queued&limit=10"),
        new("GET", "api/v1/runs/{run}"),
        new("POST", "api/v1/runs/{run}/cancel"),
        new("PATCH", "api/v1/runs/{run}", Priority),
        new("POST", "api/v1/runs/{run}/move-to-top"),
        new("GET", "api/v1/audit", Query: "limit=10"),
        new("POST", "api/v1/agent/heartbeat", Heartbeat, Agent: true),
        new("GET", "api/v1/agent/assignments", Agent: true, Query: "waitSeconds=0"),
        new("POST", "api/v1/agent/runs/{run}/start", Agent: true),
        new("POST", "api/v1/agent/runs/{run}/complete", Complete, Agent: true),
        new("POST", "api/v1/agent/credentials/{credential}/failure", Failure, Agent: true),
    ];

    private enum Fault
    {
        Auth,
        PathId,
        Body,
        Query,
        MediaType,
    }

    /// <summary>The next request.</summary>
    public BadRequest Next()
    {
        if (random.NextDouble() < 0.04)
        {
            return WrongRoute();
        }
        var endpoint = Endpoints[random.Next(Endpoints.Length)];
        var possible = new List<Fault> { Fault.Auth };
        if (endpoint.Path.Contains('{', StringComparison.Ordinal) && LookedUpSlots(endpoint.Path).Any())
        {
            possible.Add(Fault.PathId);
        }
        if (endpoint.Body is not null)
        {
            possible.Add(Fault.Body);
            possible.Add(Fault.MediaType);
        }
        if (endpoint.Query is not null)
        {
            possible.Add(Fault.Query);
        }
        // Faults that reach the domain are drawn more often than those the gateway stops at the door.
        var weighted = possible.SelectMany(f => Enumerable.Repeat(f, f switch { Fault.Body => 4, Fault.PathId => 3, Fault.Query => 2, _ => 1 })).ToList();
        var faults = new HashSet<Fault> { weighted[random.Next(weighted.Count)] };
        foreach (var extra in possible)
        {
            if (random.NextDouble() < 0.1)
            {
                faults.Add(extra);
            }
        }

        var why = new List<string>();
        var (path, bare) = BuildPath(endpoint, faults.Contains(Fault.PathId), why);
        if (endpoint.Query is not null)
        {
            path += "?" + (faults.Contains(Fault.Query) ? BadQuery(endpoint, why) : endpoint.Query);
        }
        string? body = null;
        var mediaType = "application/json";
        var expectContinue = false;
        if (endpoint.Body is not null)
        {
            if (faults.Contains(Fault.Body))
            {
                (body, expectContinue) = BadBody(endpoint.Body, why);
            }
            else
            {
                body = NoisyBody(endpoint.Body);
            }
            if (faults.Contains(Fault.MediaType))
            {
                mediaType = Pick("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "image/png");
                why.Add($"media type {mediaType}");
            }
        }
        else if (endpoint.Method == "POST" && random.NextDouble() < 0.3)
        {
            body = RandomJson(0);
        }
        var authorization = faults.Contains(Fault.Auth) ? BadAuth(endpoint.Agent, why) : GoodAuth(endpoint.Agent);
        return new BadRequest(new HttpMethod(endpoint.Method), path, body, mediaType, authorization, expectContinue, bare, string.Join("; ", why));
    }

    private static IEnumerable<string> LookedUpSlots(string path) =>
        path.Split('/').Where(s => s.StartsWith('{') && s != "{principal}");

    private (string Path, bool Bare) BuildPath(FuzzEndpoint endpoint, bool fault, List<string> why)
    {
        var slots = LookedUpSlots(endpoint.Path).ToList();
        var faulty = fault ? slots[random.Next(slots.Count)] : null;
        var bare = false;
        var segments = endpoint.Path.Split('/').Select(segment =>
        {
            if (!segment.StartsWith('{'))
            {
                return segment;
            }
            if (segment == faulty)
            {
                var (id, nul) = MissingId(segment);
                bare |= nul;
                why.Add($"{segment} does not exist");
                return Uri.EscapeDataString(id);
            }
            return segment switch
            {
                "{group}" => seed.GroupId,
                "{machine}" => random.Next(2) == 0 ? seed.Member.Id : seed.Mapped.Id,
                "{credential}" => seed.CredentialId,
                "{mapping}" => seed.MappingId,
                "{connection}" => seed.ConnectionId,
                "{run}" => seed.RunId,
                "{principal}" => random.Next(3) == 0 ? seed.User.Id : Uri.EscapeDataString(RandomId()),
                _ => throw new InvalidOperationException(segment),
            };
        });
        return (string.Join('/', segments), bare);
    }

    private (string Id, bool Nul) MissingId(string slot)
    {
        switch (random.Next(12))
        {
            case 0:
                return (new string('z', random.Next(129, 700)), false);
            case 1:
                return ("id" + (char)Pick(1, 7, 9, 10, 13, 27, 31, 127, 133), false);
            case 2:
                return slot == "{group}" ? ("solo:" + seed.Member.Id, false) : ("no-such-" + slot.Trim('{', '}'), false);
            case 3 when random.Next(8) == 0:
                return ("nul\0id", true);
            default:
                return (RandomId(), false);
        }
    }

    /// <summary>An id no resource has: prefixed like real ids or not, with random unicode, never only dots.</summary>
    private string RandomId() => random.Next(4) switch
    {
        0 => Pick("g-", "m-", "cred-", "map-", "conn-", "r-", "p-") + Guid.NewGuid().ToString("N"),
        1 => "x" + RandomUnicode(random.Next(1, 20)),
        2 => Pick("with space", "%", "a.b.c", "..x", "x..", "~", "'quoted'", "<tag>", "semi;colon", "0", "-1", "null", "undefined"),
        _ => "zz-" + random.Next().ToString(CultureInfo.InvariantCulture),
    };

    private string BadQuery(FuzzEndpoint endpoint, List<string> why)
    {
        string query;
        if (endpoint.Agent)
        {
            query = "waitSeconds=" + Pick("-1", "61", "600", "soon", "99999999999", "1.5", "%00");
        }
        else
        {
            var options = new List<string>
            {
                "limit=" + Pick("0", "-1", "201", "abc", "99999999999", "1.5", "1e3"),
                "cursor=" + Pick("%01", "%7F", new string('c', 600)),
            };
            if (endpoint.Path == "api/v1/runs")
            {
                options.Add("status=" + Pick("Bogus", "99", "-1", "queued%3Bdrop", "Succeeded,Failed"));
                options.Add(Pick("groupId=", "machineId=") + Pick(new string('g', 200), "%01x", "%20"));
            }
            query = options[random.Next(options.Count)] + (random.Next(2) == 0 ? "&" + endpoint.Query : "");
        }
        why.Add("query " + query);
        return query;
    }

    private AuthenticationHeaderValue? GoodAuth(bool agent) =>
        agent ? Bearer(random.Next(2) == 0 ? seed.Member.Key : seed.Mapped.Key) : Bearer(adminKey);

    private AuthenticationHeaderValue? BadAuth(bool agent, List<string> why)
    {
        switch (random.Next(7))
        {
            case 0:
                why.Add("no key");
                return null;
            case 1:
                why.Add("wrong kind of key");
                return agent ? Bearer(random.Next(2) == 0 ? adminKey : seed.User.Key) : Bearer(seed.Member.Key);
            case 2:
                why.Add("another scheme");
                return new AuthenticationHeaderValue(Pick("Basic", "Digest", "Token", "bearer-ish"), adminKey);
            case 3:
                why.Add("forged machine key");
                return Bearer($"mk.{seed.Member.Id}.{Guid.NewGuid():N}");
            case 4:
                why.Add("key too long");
                return Bearer("mgk_" + new string('k', random.Next(253, 2000)));
            case 5:
                why.Add("unknown user key");
                return Bearer(adminKey + "x");
            default:
                why.Add("garbage key");
                return Bearer(Pick("x", "mk.", "mk..", "mk.a.b.c", "mgk_", "null", "Bearer", "mk.solo:x.y") + RandomAscii(random.Next(0, 10)));
        }
    }

    private static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);

    private BadRequest WrongRoute()
    {
        var wrongMethods = new (string Method, string Path)[]
        {
            ("PUT", "api/v1/groups"), ("DELETE", "api/v1/runs"), ("PATCH", "api/v1/me"), ("GET", "api/v1/agent/heartbeat"),
            ("POST", $"api/v1/groups/{seed.GroupId}"), ("PUT", $"api/v1/runs/{seed.RunId}"), ("GET", $"api/v1/runs/{seed.RunId}/cancel"),
            ("DELETE", "api/v1/principals"), ("PATCH", $"api/v1/credentials/{seed.CredentialId}"), ("GET", "api/v1/mappings/import"),
            ("POST", $"api/v1/machines/{seed.Member.Id}"), ("DELETE", $"api/v1/connections/{seed.ConnectionId}"),
        };
        if (random.Next(2) == 0)
        {
            var (method, path) = wrongMethods[random.Next(wrongMethods.Length)];
            return new BadRequest(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : RandomJson(0), "application/json", Bearer(adminKey), false, false, "wrong method");
        }
        var unknown = "api/v1/zz-" + Uri.EscapeDataString(RandomUnicode(random.Next(1, 12))) + Pick("", "/x", $"/{seed.GroupId}", "/..x/y");
        var verb = Pick("GET", "POST", "PUT", "PATCH", "DELETE");
        return new BadRequest(new HttpMethod(verb), Pick(unknown, "api/v2/groups", "api/groups", "api/v1/groups/" + seed.GroupId + "/zzz"), verb is "GET" or "DELETE" ? null : "{}",
            "application/json", Bearer(adminKey), false, false, "unknown route");
    }

    private (string Body, bool ExpectContinue) BadBody(Field[] fields, List<string> why)
    {
        switch (random.Next(10))
        {
            case 0:
                {
                    var text = Serialize(Valid(fields));
                    var cut = random.Next(text.Length);
                    why.Add($"truncated at {cut}");
                    return (text[..cut], false);
                }
            case 1:
                why.Add("not a JSON object");
                return (Pick("", " ", "[]", "null", "0", "-1e400", "\"text\"", "true", "[{}]", "{", "{{}}", "{\"a\" 1}", "{'a':1}", "{\"a\":}",
                    "\u0000", "\u00ff\u00fe", "<xml/>", "name=x", new string('[', 3000) + new string(']', 3000), "{\"a\":" + new string('[', 200) + new string(']', 200) + "}x"), false);
            case 2 when random.Next(25) == 0:
                why.Add("4 MB body");
                return ("{\"name\":\"" + new string('a', 4 * 1024 * 1024) + "\"}", true);
            default:
                {
                    var body = Valid(fields);
                    var (target, field) = PickField(body, fields);
                    var (value, how) = Refused(field);
                    target[field.Name] = value;
                    why.Add($"{field.Name} {how}");
                    Noise(body, fields, keep: field.Name);
                    return (Serialize(body), false);
                }
        }
    }

    /// <summary>A field somewhere in the body (nested objects included) that some value makes certainly invalid.</summary>
    private (JsonObject Target, Field Field) PickField(JsonObject body, Field[] fields)
    {
        while (true)
        {
            var candidates = fields.Where(f => f.Kind != FieldKind.Json).ToArray();
            var field = candidates[random.Next(candidates.Length)];
            if (field.Fields is { } nested && random.Next(2) == 0 && body[field.Name] is { } child)
            {
                var inner = child as JsonObject ?? (child as JsonArray)?.FirstOrDefault() as JsonObject;
                if (inner is not null)
                {
                    body = inner;
                    fields = nested;
                    continue;
                }
            }
            return (body, field);
        }
    }

    /// <summary>A value the gateway cannot bind, or the domain refuses before it changes anything.</summary>
    private (JsonNode? Value, string How) Refused(Field field)
    {
        var options = new List<Func<(JsonNode?, string)>>
        {
            () => (WrongType(field), "of the wrong type"),
        };
        if (field.Required)
        {
            options.Add(() => (null, "null"));
        }
        if (field.Kind is FieldKind.Enum or FieldKind.EnumList)
        {
            options.Add(() => (field.Kind == FieldKind.Enum ? UnknownEnum() : new JsonArray(UnknownEnum()), "an unknown enum value"));
        }
        if (field.Kind == FieldKind.Int)
        {
            options.Add(() => (Raw(Pick("1e400", "99999999999999999999", "-99999999999", "2147483648", "1.5", "-0.5", "1e2")), "out of Int32"));
        }
        if (field.Refused is { } refused)
        {
            options.Add(() =>
            {
                var value = refused[random.Next(refused.Length)];
                return (field.Kind == FieldKind.EnumList ? new JsonArray(JsonValue.Create((string)value)) : JsonValue.Create(value), $"refused value {value}");
            });
        }
        switch (field.Kind)
        {
            case FieldKind.Name:
                options.Add(() => (Pick("", "   ", "\t", new string('n', random.Next(2001, 2500)), WithControl(RandomUnicode(random.Next(1, 30)))), "not a valid name"));
                break;
            case FieldKind.Text:
                options.Add(() => (Pick(new string('t', random.Next(2001, 3000)), WithControl(RandomUnicode(random.Next(0, 30)))), "not a valid text"));
                break;
            case FieldKind.Id:
                options.Add(() => (Pick("", " ", new string('i', random.Next(129, 600)), WithControl("id")), "not a valid id"));
                break;
            case FieldKind.Password:
                options.Add(() => (Pick("", "short", "1234567", new string('p', random.Next(257, 600))), "not a valid password"));
                break;
            case FieldKind.Secret:
                options.Add(() => ("", "empty"));
                break;
            case FieldKind.IdList:
            case FieldKind.NameList:
                options.Add(() => (new JsonArray(JsonValue.Create(Pick("", WithControl("x"), new string('i', 300)))), "holding an invalid entry"));
                break;
        }
        return options[random.Next(options.Count)]();
    }

    private JsonNode? WrongType(Field field) => field.Kind switch
    {
        FieldKind.Name or FieldKind.Text or FieldKind.Id or FieldKind.Password or FieldKind.Secret =>
            PickNode(() => 42, () => true, () => new JsonObject(), () => new JsonArray("x"), () => 1.5, () => Raw("1e400")),
        FieldKind.Int => PickNode(() => "12", () => true, () => new JsonObject(), () => new JsonArray(1), () => ""),
        FieldKind.Bool => PickNode(() => "true", () => 1, () => 0, () => new JsonObject(), () => new JsonArray(), () => "yes"),
        FieldKind.Enum => PickNode(() => 0, () => 1, () => -1, () => 99, () => new JsonObject(), () => new JsonArray("User"), () => true),
        FieldKind.EnumList => PickNode(() => Roles[0], () => new JsonObject(), () => new JsonArray(0), () => new JsonArray(new JsonArray()), () => 7),
        FieldKind.IdList or FieldKind.NameList => PickNode(() => "x", () => 5, () => new JsonObject(), () => new JsonArray(5), () => new JsonArray(new JsonObject()), () => new JsonArray(true)),
        FieldKind.ObjectList => PickNode(() => "x", () => 5, () => new JsonObject(), () => new JsonArray(5), () => new JsonArray("x"), () => new JsonArray(new JsonArray())),
        FieldKind.Object => PickNode(() => "x", () => 5, () => new JsonArray(), () => true),
        _ => throw new InvalidOperationException(field.Kind.ToString()),
    };

    private JsonNode UnknownEnum() => JsonValue.Create(Pick("Bogus", "", "None", "Everything", "Owner!", "0", "-1", "Ünattended", RandomUnicode(5)))!;

    /// <summary>A body that is valid for the seeded store, then shuffled about: extra fields, unicode in names.</summary>
    private string NoisyBody(Field[] fields)
    {
        if (random.Next(6) == 0)
        {
            return RandomJson(0);
        }
        var body = Valid(fields);
        Noise(body, fields, keep: null);
        return Serialize(body);
    }

    private void Noise(JsonObject body, Field[] fields, string? keep)
    {
        if (random.Next(3) == 0)
        {
            body["unexpected" + random.Next(100)] = RandomJson(1) is var extra ? JsonNode.Parse(extra) : null;
        }
        foreach (var field in fields.Where(f => f.Name != keep && f.Kind == FieldKind.Name))
        {
            if (random.Next(3) == 0)
            {
                body[field.Name] = RandomUnicode(random.Next(1, 40));
            }
        }
    }

    private JsonObject Valid(Field[] fields)
    {
        var body = new JsonObject();
        foreach (var field in fields)
        {
            if (!field.Required && random.Next(3) == 0)
            {
                continue;
            }
            body[field.Name] = ValidValue(field);
        }
        return body;
    }

    private JsonNode? ValidValue(Field field) => field.Kind switch
    {
        FieldKind.Name => "n-" + RandomAscii(8),
        FieldKind.Text => "text " + RandomAscii(10),
        // Never the seeded group for a groupId: the seeded member is in it already, and joining it again succeeds whatever the password.
        FieldKind.Id when field.Name == "groupId" => Pick("g-" + Guid.NewGuid().ToString("N"), seed.CredentialId),
        FieldKind.Id => Pick(seed.GroupId, seed.Member.Id, seed.Mapped.Id, seed.CredentialId, seed.MappingId, seed.ConnectionId, seed.User.Id),
        FieldKind.Password => Grid.Password,
        FieldKind.Secret => "s3cret-" + RandomAscii(6),
        FieldKind.Enum => field.Values![random.Next(field.Values.Length)],
        FieldKind.EnumList => new JsonArray(JsonValue.Create(field.Values![random.Next(field.Values.Length)])),
        FieldKind.Int => int.Parse(field.Values![0], CultureInfo.InvariantCulture),
        FieldKind.Bool => random.Next(2) == 0,
        FieldKind.Json => JsonNode.Parse(RandomJson(1)),
        FieldKind.IdList => new JsonArray(JsonValue.Create(seed.CredentialId)),
        FieldKind.NameList => new JsonArray(JsonValue.Create("n-" + RandomAscii(5))),
        FieldKind.Object => Valid(field.Fields!),
        FieldKind.ObjectList => new JsonArray(Valid(field.Fields!)),
        _ => throw new InvalidOperationException(field.Kind.ToString()),
    };

    private string RandomJson(int depth) => random.Next(depth > 1 ? 5 : 8) switch
    {
        0 => "null",
        1 => random.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
        2 => "true",
        3 => System.Text.Json.JsonSerializer.Serialize(RandomUnicode(random.Next(0, 20))),
        4 => Pick("1e308", "-0", "0.000001", "123456789012345678901234567890"),
        5 => "[" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(depth + 1))) + "]",
        _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(4)).Select(i => $"\"{Pick("name", "id", "x", "roles", "kind")}{i}\":{RandomJson(depth + 1)}")) + "}",
    };

    private string RandomUnicode(int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            switch (random.Next(8))
            {
                case 0:
                    text.Append(char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)));
                    break;
                case 1:
                    text.Append((char)random.Next(0x4E00, 0x9FFF));
                    break;
                case 2:
                    text.Append(Pick("\u202e", "\u200b", "\u200d", "\ufeff", "\u0301", "\u00a0", "\u2028", "\ufffd"));
                    break;
                case 3:
                    text.Append((char)random.Next(0x00C0, 0x024F));
                    break;
                case 4:
                    text.Append((char)random.Next(0x0590, 0x06FF));
                    break;
                default:
                    text.Append((char)random.Next(0x21, 0x7E));
                    break;
            }
        }
        return text.ToString();
    }

    private string WithControl(string text)
    {
        var control = (char)Pick(0, 1, 7, 8, 11, 12, 14, 27, 31, 127, 128, 133, 159);
        // Inside the text: names are trimmed, and a control character that is also white space (\f, \u0085) would go with it.
        var at = random.Next(text.Length + 1);
        return "a" + text[..at] + control + text[at..] + "z";
    }

    private string RandomAscii(int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next('a', 'z' + 1))]);

    private T Pick<T>(params T[] values) => values[random.Next(values.Length)];

    private JsonNode? PickNode(params Func<JsonNode?>[] values) => values[random.Next(values.Length)]();

    // Numbers JSON allows but JsonNode cannot hold are written as markers and spliced in as raw text when serialized.
    private readonly List<string> raws = [];

    private JsonNode Raw(string text)
    {
        raws.Add(text);
        return JsonValue.Create($"__raw_{raws.Count - 1}__")!;
    }

    private string Serialize(JsonObject body)
    {
        var text = body.ToJsonString();
        for (var i = 0; i < raws.Count; i++)
        {
            text = text.Replace($"\"__raw_{i}__\"", raws[i], StringComparison.Ordinal);
        }
        raws.Clear();
        return text;
    }
}
