from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.exports import formats, rows
from articles.models import Article, Funder, FundingProject, Programme, Region, Topic


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"“{value}” is not a date: write it as YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = (
        "Export the article list as CSV, XLSX or JSON, for donor reports. Only published pieces "
        "unless --status asks for others. Filters take slugs; dates are YYYY-MM-DD, inclusive."
    )

    lookups = {
        "project": FundingProject,
        "funder": Funder,
        "programme": Programme,
        "region": Region,
        "topic": Topic,
    }

    def add_arguments(self, parser):
        for name, model in self.lookups.items():
            parser.add_argument(f"--{name}", metavar="SLUG", help=f"{model._meta.verbose_name}")
        parser.add_argument("--kind", choices=Article.Kind.values)
        parser.add_argument(
            "--status",
            choices=rows.STATUSES,
            default="published",
            help="published (default: what readers see), scheduled, draft, or all",
        )
        parser.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
        parser.add_argument("--format", choices=list(formats.FORMATS), default="csv")
        parser.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
        parser.add_argument(
            "--bom",
            action="store_true",
            help="UTF-8 BOM for Excel (CSV; off by default here, for pipes)",
        )
        parser.add_argument(
            "--base-url",
            default=settings.KAZCMS_SITE_URL,
            help=f"site address for the URL column (default {settings.KAZCMS_SITE_URL})",
        )
        parser.add_argument("--batch-size", type=int, default=rows.BATCH_SIZE)

    def handle(self, *args, **options):
        filters = {name: self._find(name, options[name]) for name in self.lookups}
        if options["since"] and options["until"] and options["until"] < options["since"]:
            raise CommandError("--until is before --since.")
        queryset = rows.filter_articles(
            Article.objects.all(),
            status=options["status"],
            kind=options["kind"],
            since=options["since"],
            until=options["until"],
            **filters,
        )
        fmt = options["format"]
        chunks = formats.export(
            queryset,
            fmt,
            base_url=options["base_url"],
            bom=options["bom"],
            batch_size=options["batch_size"],
        )
        if options["output"] and options["output"] != "-":
            with open(options["output"], "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            self.stderr.write(f"Wrote {options['output']}.")
            return
        binary = getattr(self.stdout._out, "buffer", None)
        if binary is None:  # e.g. a StringIO under call_command
            if fmt == "xlsx":
                raise CommandError("XLSX is binary: write it to a file with --output FILE.")
            for chunk in chunks:
                self.stdout.write(chunk.decode("utf-8"), ending="")
            return
        if fmt == "xlsx" and binary.isatty():
            raise CommandError("XLSX is binary: write it to a file with --output FILE.")
        for chunk in chunks:
            binary.write(chunk)
        binary.flush()

    def _find(self, name, slug):
        if not slug:
            return None
        model = self.lookups[name]
        found = model.objects.filter(slug=slug).first()
        if found is None:
            known = ", ".join(model.objects.values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(
                f"No {model._meta.verbose_name} with the slug “{slug}”. Known: {known}."
            )
        return found
