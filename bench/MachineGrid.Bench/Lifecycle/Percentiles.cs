namespace MachineGrid.Bench.Lifecycle;

/// <summary>Summary statistics of latency samples in milliseconds.</summary>
public sealed record Percentiles(double Mean, double P50, double P90, double P99, double Max)
{
    /// <summary>Nearest-rank percentiles of <paramref name="samples"/>.</summary>
    public static Percentiles Of(double[] samples)
    {
        if (samples.Length == 0)
        {
            return new Percentiles(0, 0, 0, 0, 0);
        }
        var sorted = samples.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Average(), At(0.50), At(0.90), At(0.99), sorted[^1]);
    }

    /// <inheritdoc />
    public override string ToString() => $"mean {Mean,7:F2}  p50 {P50,7:F2}  p90 {P90,7:F2}  p99 {P99,7:F2}  max {Max,8:F2} ms";
}
