using AutoMapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cal.Application.UnitTests.TestSupport;

/// <summary>The mapper the application registers: every feature's profile in Cal.Application, as DI adds them.</summary>
internal static class TestMapper
{
    public static MapperConfiguration Configuration { get; } =
        new(cfg => cfg.AddMaps(typeof(DependencyInjection).Assembly), NullLoggerFactory.Instance);

    public static IMapper Instance { get; } = Configuration.CreateMapper();
}
