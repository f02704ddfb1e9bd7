using MachineGrid.Persistence.Bench;

const string Usage = """
    MachineGrid.Persistence benchmarks (run from the repository root):
      dotnet run -c Release --project bench/Persistence.Bench -- writes [--writers 256,1024] [--databases sqlite,postgres]
          [--group-commit on,off] [--warmup 3] [--duration 10] [--repeat 3] [--pool 32]
          [--postgres-settings "Max Auto Prepare=16"] [--record docs/benchmarks.md]
      dotnet run -c Release --project bench/Persistence.Bench -- scan [--rows 1000000] [--groups 100] [--page 50]
          [--reads 2000] [--repeat 3] [--batch 50000] [--databases sqlite,postgres] [--record docs/benchmarks.md]
    --record adds the medians to that markdown table, replacing earlier rows of the same figures.
    """;

try
{
    switch (args)
    {
        case ["writes", .. var rest]:
            await WriteBenchmark.RunAsync(new Arguments(rest));
            return 0;
        case ["scan", .. var rest]:
            await ScanBenchmark.RunAsync(new Arguments(rest));
            return 0;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
