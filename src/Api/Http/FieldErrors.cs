using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Http;

/// <summary>Collects what is wrong with a request, field by field, for one <c>validation_failed</c> answer.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    /// <summary>Records <paramref name="message"/> for <paramref name="field"/> unless <paramref name="ok"/>.</summary>
    public FieldErrors Check(bool ok, string field, string message)
    {
        if (!ok)
        {
            Add(field, message);
        }

        return this;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public PlateError ToError() =>
        new(ErrorCodes.ValidationFailed, "请求参数有误：" + string.Join("；", _errors.Select(e => $"{e.Key}: {string.Join("，", e.Value)}")))
        {
            Errors = ToDictionary(),
        };

    public Problems.ProblemResult ToResult() => Problems.Result(ToError());

    /// <summary>A body that was required and not sent.</summary>
    public static Problems.ProblemResult MissingBody() => new FieldErrors().Check(false, "body", "请求内容不能为空。").ToResult();
}
