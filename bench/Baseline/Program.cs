using PlateOrleans.Baseline.Auth;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Endpoints;
using PlateOrleans.Baseline.Http;
using PlateOrleans.Baseline.Selections;

// The benchmark baseline (bench/README.md): the plate pre-selection flow as a plain minimal API on PostgreSQL.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Wire));
builder.Services.AddBaselineDatabase(builder.Configuration);
builder.Services.AddBaselineAuth(builder.Configuration);
builder.Services.AddHostedService<FirstAdmin>();
builder.Services.AddSingleton<OfficeCache>();
builder.Services.AddSingleton<SelectionService>();

var app = builder.Build();
app.UseBaselineProblems();
app.UseAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapAccounts();
app.MapOffices();
app.MapAdmin();
app.MapSelections();
app.MapDevOutbox();
app.Run();
