from django.urls import path

from actionlines import views

app_name = "actionlines"
urlpatterns = [
    path("", views.action_line_list, name="list"),
    path("<slug:code>/", views.action_line_detail, name="detail"),
]
