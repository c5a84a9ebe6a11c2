from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "interviews"

    def ready(self):
        from .revisions import register_models

        register_models()

        from . import exports

        exports.register()  # the interviewee column in article exports

        from . import demo

        demo.register()  # the demo interview, built on the core demo content
