using System.Globalization;
using AutoMapper;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>The schedules feature's mappings: a schedule as cal.com's <c>ScheduleOutput_2024_06_11</c> shows it.</summary>
public sealed class SchedulesMappingProfile : Profile
{
    public SchedulesMappingProfile()
    {
        CreateMap<ScheduleAvailability, AvailabilityDto>()
            .ForCtorParam(nameof(AvailabilityDto.Days), o => o.MapFrom(a => a.Days.Select(d => d.ToString()).ToList()))
            .ForCtorParam(nameof(AvailabilityDto.StartTime), o => o.MapFrom(a => Clock(a.Start)))
            .ForCtorParam(nameof(AvailabilityDto.EndTime), o => o.MapFrom(a => Clock(a.End)));
        CreateMap<ScheduleOverride, OverrideDto>()
            .ForCtorParam(nameof(OverrideDto.Date), o => o.MapFrom(d => d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))
            .ForCtorParam(nameof(OverrideDto.StartTime), o => o.MapFrom(d => Clock(d.Start)))
            .ForCtorParam(nameof(OverrideDto.EndTime), o => o.MapFrom(d => Clock(d.End)));
        CreateMap<Schedule, ScheduleDto>().ForCtorParam(nameof(ScheduleDto.OwnerId), o => o.MapFrom(s => s.UserId));
    }

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
