"""Analytics' table in the personal-data registry (apps/users/privacy.py)."""

from apps.users.privacy import DELETE, PersonalData, personal_data_register

from .models import DailyStat, Event


def register_analytics() -> None:
    # The visitor hash is about a fan, not the creator, and means nothing outside its day.
    personal_data_register(
        PersonalData(
            Event,
            owner="creator",
            erase=DELETE,
            export="analytics/page_events.json",
            exclude=("visitor",),
            order="created_at",
        )
    )
    # The creator's own figures, day by day.
    personal_data_register(
        PersonalData(
            DailyStat,
            owner="creator",
            erase=DELETE,
            export="analytics/daily_figures.json",
            order="day",
        )
    )
