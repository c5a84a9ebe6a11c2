from django.core.management.base import BaseCommand

from articles.discovery.search.index import fill_search_vectors, is_postgres
from articles.models import Article


class Command(BaseCommand):
    help = "Rebuild every piece's stored search vector (PostgreSQL; nothing to do on SQLite)."

    def handle(self, *args, **options):
        if not is_postgres():
            self.stdout.write("SQLite: search reads the pieces directly; nothing to rebuild.")
            return
        filled = fill_search_vectors(Article.objects.all())
        self.stdout.write(f"Filled {filled} pieces from their title, standfirst and body.")
        # Pieces of a subclass that adds its own text (interviews) are rebuilt one by one.
        for model in Article.piece_types():
            if model.search_text is Article.search_text:
                continue
            count = 0
            for piece in model.objects.defer("search_vector").iterator(chunk_size=500):
                piece.update_search_vector()
                count += 1
            self.stdout.write(f"Rebuilt {count} {model._meta.verbose_name_plural}.")
