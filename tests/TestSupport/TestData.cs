namespace MachineGrid.TestSupport;

/// <summary>
/// Where tests put their databases and keys: one folder per test process under the system temp folder, deleted with
/// everything in it when the process exits (databases may still be open until then, which Linux allows).
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> Root = new(CreateRoot);

    /// <summary>A new, empty folder.</summary>
    public static string NewDirectory(string prefix) =>
        Directory.CreateDirectory(Path.Combine(Root.Value, $"{prefix}-{Guid.NewGuid():N}")).FullName;

    /// <summary>A path for a new file; the file is not created.</summary>
    public static string NewFile(string prefix, string extension) => Path.Combine(Root.Value, $"{prefix}-{Guid.NewGuid():N}{extension}");

    private const string RootPrefix = "machinegrid-tests-";

    private static string CreateRoot()
    {
        DeleteLeftovers();
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"{RootPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(root);
        return root;
    }

    /// <summary>
    /// Deletes the folders of test processes that are gone: a process ended before its exit handler finished (the test
    /// runner may not wait for it) leaves its folder behind, and the next run clears it.
    /// </summary>
    private static void DeleteLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), RootPrefix + "*"))
        {
            var name = Path.GetFileName(folder)[RootPrefix.Length..];
            if (int.TryParse(name.Split('-')[0], out var processId) && !IsRunning(processId))
            {
                Delete(folder);
            }
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// Deletes the folder, trying again a few times: a silo a test left running (as a crashed host is) may still create
    /// a file in it while the delete runs, which makes the delete fail with the folder half gone.
    /// </summary>
    private static void Delete(string root)
    {
        for (var attempt = 1; attempt <= 5 && Directory.Exists(root); attempt++)
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover temp folder is not worth failing a finished test run for.
                Thread.Sleep(100);
            }
        }
    }
}
