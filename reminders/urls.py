from django.urls import path

from reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("<int:pk>/openen/", views.reminder_open, name="open"),
    path("<int:pk>/gelezen/", views.mark_read, name="mark_read"),
    path("alles-gelezen/", views.mark_all_read, name="mark_all_read"),
    path("instellingen/", views.preferences, name="preferences"),
    path("instellingen/agenda-vernieuwen/", views.calendar_renew, name="calendar_renew"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("termijnen/", views.lead_times, name="lead_times"),
]
