from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self):
        from .revisions import register_models

        register_models()

        from . import exports

        exports.register()  # the interviewee column in article exports
