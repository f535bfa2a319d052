using Microsoft.OpenApi;

namespace PlateOrleans.Api.Http;

/// <summary>The OpenAPI description at <c>/openapi/v1.json</c>, with the bearer scheme, and its interactive reference at <c>/docs</c>.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddPlateOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "PlateOrleans",
                Version = "v1",
                Description = "新能源汽车换发号牌预选号牌 (online pre-selection of NEV plate numbers). Errors are RFC 9457 problem details " +
                    "with a stable `code`. POSTs that change a selection accept an `Idempotency-Key` header.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token from POST /api/v1/auth/token.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            return Task.CompletedTask;
        }));
}
