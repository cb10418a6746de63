app_name = "signups"
urlpatterns: list = []
