namespace Hub.Server.Admin;

/// <summary>The admin UI's roles and the policies that ask for them. Viewers read everything; admins also change things.</summary>
internal static class AdminRoles
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Viewer];

    /// <summary>Signed in as viewer or admin.</summary>
    public const string ViewPolicy = "admin-ui:view";

    /// <summary>Signed in as admin.</summary>
    public const string ChangePolicy = "admin-ui:change";
}
