namespace PlateOrleans.Api.Web;

/// <summary>
/// Cross-origin requests for app frontends served from other origins (section <c>Cors</c>). Off unless
/// <c>Cors:AllowedOrigins</c> lists origins (<c>Cors__AllowedOrigins__0=https://app.example.cn</c>, or one
/// comma-separated value). Tokens travel in the <c>Authorization</c> header, never in cookies, so credentials are never
/// allowed, and <c>*</c> is refused: every origin that may call the API is named.
/// </summary>
public static class CorsSetup
{
    public const string Section = "Cors:AllowedOrigins";

    /// <summary>What a frontend must be able to read of an answer besides the simple headers.</summary>
    private static readonly string[] _exposed = ["Retry-After", "Location", "Content-Disposition"];

    public static IServiceCollection AddPlateCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = AllowedOrigins(configuration);
        if (origins.Count > 0)
        {
            services.AddCors(o => o.AddDefaultPolicy(policy => policy
                .WithOrigins([.. origins])
                .WithMethods("GET", "POST", "PUT", "DELETE")
                .WithHeaders("Authorization", "Content-Type", "Accept", "Idempotency-Key")
                .WithExposedHeaders(_exposed)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        }

        return services;
    }

    /// <summary>Answers preflights and adds the CORS headers when origins are configured; does nothing otherwise.</summary>
    public static IApplicationBuilder UsePlateCors(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (AllowedOrigins(configuration).Count > 0)
        {
            app.UseCors();
        }

        return app;
    }

    /// <summary>The configured origins, checked: each an absolute http(s) origin without path; <c>*</c> is refused.</summary>
    public static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        foreach (var origin in values)
        {
            if (origin.Contains('*', StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Section} may not contain '*': name every origin that may call the API (e.g. https://app.example.cn).");
            }

            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.AbsolutePath != "/" || origin.EndsWith('/') || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            {
                throw new InvalidOperationException($"{Section} has '{origin}', which is not an origin: scheme, host and port only, e.g. https://app.example.cn.");
            }
        }

        return [.. values.Distinct(StringComparer.OrdinalIgnoreCase)];
    }
}
