using Microsoft.AspNetCore.StaticFiles;

namespace PlateOrleans.Api.Web;

/// <summary>
/// The web pages (<c>wwwroot</c>): plain HTML, one stylesheet and ES modules, served as they are, so that
/// <c>dotnet run</c> alone serves them. They speak to the API like any other frontend.
/// </summary>
public static class PagesSetup
{
    /// <summary>
    /// Scripts, styles and fetches from this origin only, no inline script or style, no framing, no plugins: the
    /// pages render API data with <c>textContent</c>, and the policy is the second line should one ever slip.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Serves <c>/</c> as <c>index.html</c> and the files under <c>wwwroot</c>; call before authentication.</summary>
    public static IApplicationBuilder UsePlatePages(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = types,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Pages and modules change with each release and are small: revalidate rather than run an old module.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }
}
