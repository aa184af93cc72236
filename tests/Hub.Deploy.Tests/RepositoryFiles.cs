namespace Hub.Deploy.Tests;

/// <summary>Files of the repository these tests check, found from the test's output folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Hub.sln above {AppContext.BaseDirectory}.");
    }
}
