using MachineGrid.Silo;
using Microsoft.Extensions.Configuration;
using Xunit;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace MachineGrid.Gateway.Tests;

/// <summary>
/// Checks docker/compose.yaml and docker/Dockerfile as files: no image is built and no container runs here. Settings
/// are checked against the silo's real <see cref="SiloSettings"/>, so renaming a setting fails these tests.
/// </summary>
public sealed class DockerFilesTests
{
    private const string SettingPrefix = "MACHINEGRID__";
    private static readonly string Root = RepositoryRoot();
    private static readonly string DockerFolder = Path.Combine(Root, "docker");

    [Fact]
    public void Compose_runs_three_silos_on_a_healthy_postgres_each_configured_through_real_silo_settings()
    {
        var services = Map(Compose()["services"]);
        var silos = services.Where(s => Map(s.Value).ContainsKey("build")).ToDictionary(s => s.Key, s => Map(s.Value));
        var settingNames = typeof(SiloSettings).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(["silo1", "silo2", "silo3"], silos.Keys.Order(StringComparer.Ordinal));
        var hostPorts = new List<string>();
        foreach (var (name, silo) in silos)
        {
            var build = Map(silo["build"]);
            Assert.True(File.Exists(Path.Combine(DockerFolder, Text(build["context"]), Text(build["dockerfile"]))), $"{name} builds from a Dockerfile that is not there");
            Assert.Equal("service_healthy", Text(Map(Map(silo["depends_on"])["postgres"])["condition"]));
            Assert.False(string.IsNullOrEmpty(Text(silo["restart"])), $"{name} has no restart policy");

            var environment = Map(silo["environment"]).ToDictionary(e => e.Key, e => Text(e.Value));
            var unknown = environment.Keys.Where(k => k.StartsWith(SettingPrefix, StringComparison.Ordinal) && !settingNames.Contains(k[SettingPrefix.Length..])).ToList();
            Assert.True(unknown.Count == 0, $"{name} sets what SiloSettings does not have: {string.Join(", ", unknown)}");
            var settings = Bind(environment);
            Assert.Equal(name, settings.AdvertisedAddress);
            Assert.Contains("Host=postgres;", settings.Postgres, StringComparison.Ordinal);
            Assert.Equal("machinegrid", settings.ClusterId);
            Assert.Equal(new SiloSettings().SiloPort, settings.SiloPort);
            Assert.Equal(new SiloSettings().GatewayPort, settings.GatewayPort);

            var port = Text(Assert.Single(List(silo["ports"]))).Split(':');
            Assert.Equal($"http://+:{port[1]}", environment["URLS"]);
            hostPorts.Add(port[0]);
        }
        Assert.Equal(["5081", "5082", "5083"], hostPorts.Order(StringComparer.Ordinal));

        var postgres = Map(services["postgres"]);
        Assert.Contains("pg_isready", string.Join(' ', List(Map(postgres["healthcheck"])["test"]).Select(Text)), StringComparison.Ordinal);
        var volume = Text(Assert.Single(List(postgres["volumes"]))).Split(':');
        Assert.Equal("/var/lib/postgresql/data", volume[1]);
        Assert.True(Map(Compose()["volumes"]).ContainsKey(volume[0]), $"{volume[0]} is not a named volume");
    }

    [Fact]
    public void Dockerfile_publishes_the_silo_with_the_sdk_and_runs_it_on_the_aspnet_runtime_as_a_non_root_user()
    {
        var stages = Stages(File.ReadAllLines(Path.Combine(DockerFolder, "Dockerfile")));
        var build = stages[0];
        var runtime = stages[^1];
        var siloAssembly = typeof(SiloSettings).Assembly.GetName().Name + ".dll";

        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0 AS ", build.From, StringComparison.Ordinal);
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime", runtime.From);
        foreach (var copied in build.Arguments("COPY").SelectMany(a => a.Split(' ')[..^1]).Where(path => !path.StartsWith("--", StringComparison.Ordinal)))
        {
            Assert.True(File.Exists(Path.Combine(Root, copied)) || Directory.Exists(Path.Combine(Root, copied)), $"The build copies {copied}, which is not in the repository");
        }
        var publish = Assert.Single(build.Arguments("RUN"), run => run.StartsWith("dotnet publish src/Silo/Silo.csproj -c Release", StringComparison.Ordinal));
        var published = publish.Split(' ')[Array.IndexOf(publish.Split(' '), "-o") + 1];

        var user = Assert.Single(runtime.Arguments("USER"));
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
        Assert.Contains($"--from={build.Name} {published} .", runtime.Arguments("COPY"));
        Assert.True(runtime.Instructions.FindIndex(i => i.Keyword == "USER") > runtime.Instructions.FindIndex(i => i.Keyword == "RUN"), "The runtime stage runs a command after switching away from root");
        Assert.Equal($"[\"dotnet\", \"{siloAssembly}\"]", Assert.Single(runtime.Arguments("ENTRYPOINT")));
        var exposed = runtime.Arguments("EXPOSE").SelectMany(a => a.Split(' ')).ToHashSet();
        Assert.Superset(new HashSet<string> { "8080", $"{new SiloSettings().SiloPort}", $"{new SiloSettings().GatewayPort}" }, exposed);
        Assert.Contains("URLS=http://+:8080", string.Join(' ', runtime.Arguments("ENV")), StringComparison.Ordinal);
        Assert.Contains("bin/", File.ReadAllText(Path.Combine(Root, ".dockerignore")), StringComparison.Ordinal);
    }

    private static SiloSettings Bind(Dictionary<string, string> environment) =>
        new ConfigurationBuilder()
            // As the environment-variable provider reads them: "__" separates sections.
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build()
            .GetSection("MachineGrid")
            .Get<SiloSettings>() ?? throw new Xunit.Sdk.XunitException("No MachineGrid settings");

    private static Dictionary<object, object> Compose()
    {
        using var reader = new StreamReader(Path.Combine(DockerFolder, "compose.yaml"));
        // The merging parser resolves the "<<: *silo" merge keys the silos share.
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<string, object> Map(object value) =>
        Assert.IsType<Dictionary<object, object>>(value).ToDictionary(e => Text(e.Key), e => e.Value);

    private static List<object> List(object value) => Assert.IsType<List<object>>(value);

    private static string Text(object value) => Assert.IsType<string>(value);

    private static List<DockerStage> Stages(string[] lines)
    {
        var instructions = new List<(string Keyword, string Arguments)>();
        var pending = "";
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            pending += line.EndsWith('\\') ? line[..^1] : line;
            if (!line.EndsWith('\\'))
            {
                var space = pending.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add((pending[..space].ToUpperInvariant(), string.Join(' ', pending[(space + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))));
                pending = "";
            }
        }
        var stages = new List<DockerStage>();
        foreach (var (keyword, arguments) in instructions)
        {
            if (keyword == "FROM")
            {
                stages.Add(new DockerStage(arguments));
            }
            else
            {
                stages[^1].Instructions.Add((keyword, arguments));
            }
        }
        return stages;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MachineGrid.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No MachineGrid.sln above {AppContext.BaseDirectory}");
    }

    private sealed record DockerStage(string From)
    {
        public string Name => From.Split(" AS ")[^1];

        public List<(string Keyword, string Arguments)> Instructions { get; } = [];

        public IEnumerable<string> Arguments(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
    }
}
