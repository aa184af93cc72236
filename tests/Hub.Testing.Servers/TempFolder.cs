namespace Hub.Testing.Servers;

internal static class TempFolder
{
    /// <summary>Deletes a server's temp folder; never throws (a leftover folder in /tmp is not worth failing a test for).</summary>
    public static void TryDelete(string path)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (IOException)
            {
                // A dying server may still be writing; try again shortly.
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
