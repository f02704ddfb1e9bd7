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

    private static string CreateRoot()
    {
        var root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"machinegrid-tests-{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(root);
        return root;
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
