from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.backends.signals import connection_created

        from articles import choice_guard
        from articles.discovery.search.index import register_sqlite_functions
        from articles.models.versions import watch_content_changes
        from articles.publishing import revisions
        from kazcms.roles import sync_roles_after_migrate

        revisions.register_models()
        watch_content_changes()  # content changes give cached pages a new version
        choice_guard.install()  # a posted id no column can hold is a form error, not a 500
        connection_created.connect(register_sqlite_functions)  # search folds every alphabet
        # Once per migrate (sent for this app only): the roles follow kazcms/roles.py.
        post_migrate.connect(sync_roles_after_migrate, sender=self)
