"""The editorial workflow in the admin: roles, state changes, stale-edit refusal, revisions.

``PieceAdmin`` (articles and interviews) mixes in ``WorkflowAdminMixin``; its form mixes in
``WorkflowFormMixin``. Both are thin adapters: who may do what is ``rules``, state changes and
restore are ``transitions``, snapshots and diffs ``revisions``, stale edits ``concurrency``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.models import Article, AuditEvent, Correction, State
from articles.pagination import parse_number
from articles.publishing import concurrency, revisions, rules, transitions


class WorkflowFormMixin(concurrency.EditGuardFormMixin):
    """Refuses a save made from a stale form, and a state change the user may not make.

    The stale-edit token is the piece's version counter, so the refusal can say who saved it
    when, and list what changed beyond the form's fields (segments, tags, links).
    """

    guarded_noun = "piece"
    user = None  # set by WorkflowAdminMixin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state_before = (self.instance.status, self.instance.published_at)

    def edit_token_of(self, piece):
        return str(piece.version)

    def changed_meanwhile(self, current, opened_with):
        opened_version = parse_number(opened_with, minimum=0, maximum=2**31 - 1)
        return {
            "by": current.updated_by or "someone",
            "at": current.updated_at,
            "since": revisions.changes_since(current, opened_version),
        }

    def clean(self):
        cleaned = super().clean()
        if self.user is not None:
            self._refuse_forbidden_transition(cleaned)
        return cleaned

    def _refuse_forbidden_transition(self, cleaned):
        old_status, old_published_at = self.state_before
        if not self.instance.pk:
            old_status, old_published_at = Article.Status.DRAFT, None
        would_be = Article(
            status=cleaned.get("status", self.instance.status),
            published_at=cleaned.get("published_at", self.instance.published_at),
        )
        if rules.can_publish(self.user):
            return  # editors' publishing checks are the model's clean()
        problems = transitions.transition_problems(
            self.user, old_status, old_published_at, would_be
        )
        if problems:
            raise ValidationError(problems, code="forbidden")


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["noted_at", "kind", "text"]

    def has_add_permission(self, request, obj=None):
        published = obj is not None and obj.status == Article.Status.PUBLISHED
        return published and super().has_add_permission(request, obj)


class StateFilter(admin.SimpleListFilter):
    """Draft, in review, scheduled or published (live), as editors think of them."""

    title = "state"
    parameter_name = "state"
    # "live" is the newsroom's word for what readers see; bookmarked lists keep working.
    states = {
        "draft": State.DRAFT,
        "review": State.IN_REVIEW,
        "scheduled": State.SCHEDULED,
        "live": State.PUBLISHED,
    }

    def lookups(self, request, model_admin):
        return [
            (value, "Published (live)" if state == State.PUBLISHED else state.label)
            for value, state in self.states.items()
        ]

    def queryset(self, request, queryset):
        state = self.states.get(self.value())
        return queryset if state is None else queryset.in_state(state)


class WorkflowAdminMixin(concurrency.EditGuardAdminMixin):
    """Roles, actions, audit trail, revisions and preview for a piece admin.

    It adds context and URLs only: each piece model's own change form template
    (``admin/<app>/<model>/change_form.html``) includes ``_piece_tools``, ``_conflict`` and
    ``_audit_trail`` from ``admin/articles/``.
    """

    actions = ["submit_for_review", "publish_pieces", "back_to_draft"]
    action_form = concurrency.ListedAtActionForm
    workflow_readonly = ["state", "preview_link", "created_by", "updated_by"]

    # Who sees and changes what

    def get_queryset(self, request):
        pieces = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name == "autocomplete":
            # Choosing a related piece: a contributor may link published pieces too.
            return pieces.filter(
                Q(pk__in=rules.visible_to(request.user, pieces).values("pk"))
                | Q(pk__in=Article.objects.published().values("pk"))
            )
        return rules.visible_to(request.user, pieces)

    def view_on_site(self, obj):
        """Readers' address once public; the staff preview before that."""
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("articles:preview", args=[obj.pk])

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or rules.can_view(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or rules.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or rules.can_edit(request.user, obj))

    def has_publish_permission(self, request):
        return rules.can_publish(request.user)

    def get_list_filter(self, request):
        return [StateFilter if f == "status" else f for f in super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_readonly]
        if not rules.can_publish(request.user):
            fields += ["published_at", "is_featured", "is_top_story"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = list(options["fields"])
            if "status" in fields:
                fields[fields.index("status")] = ("status", "state")
                fields.append("preview_link")
            if name == "History":
                fields += ["created_by", "updated_by"]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not rules.can_publish(request.user):
            kwargs["choices"] = [
                c
                for c in db_field.choices
                if c[0] in (Article.Status.DRAFT, Article.Status.IN_REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # Saving

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with revisions.recording(request.user, "Saved in the newsroom"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        revisions.comment(entry.change_message if message else "Created.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        revisions.comment(entry.change_message if message else "Saved without changes.")
        return entry

    def save_model(self, request, obj, form, change):
        old_status, old_published_at = form.state_before if change else (None, None)
        problems = transitions.transition_problems(
            request.user, old_status or Article.Status.DRAFT, old_published_at, obj
        )
        if problems and not rules.can_publish(request.user):
            raise PermissionDenied(" ".join(problems))  # the form refuses first; belt and braces
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        transitions.record_save(
            obj,
            request.user,
            old_status or Article.Status.DRAFT,
            old_published_at,
            created=not change,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.add_piece(form.instance)  # now that authors and projects are saved
        # The vector holds authors, tags and (interviews) segments, saved only just now.
        form.instance.update_search_vector()

    def delete_model(self, request, obj):
        transitions.record(obj, AuditEvent.Action.DELETED, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for piece in queryset:
            transitions.record(piece, AuditEvent.Action.DELETED, request.user)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Correction:
            for note in formset.new_objects:
                transitions.record(
                    form.instance, AuditEvent.Action.CORRECTED, request.user, note.text[:200]
                )

    # Actions: thin adapters over transitions, telling the editor what stopped each piece

    def _apply(self, request, queryset, transition, done):
        listed_at = concurrency.listed_at(request)
        if listed_at is None:
            messages.error(request, concurrency.UNLISTED_MESSAGE)
            return
        changed, refused = 0, []
        for piece in queryset:
            if piece.updated_at > listed_at:
                # Someone saved it after this list was shown: the editor acted on old facts.
                who = piece.updated_by or "someone"
                refused.append(
                    (piece, [f"{who} changed it after you opened this list. Reload and check it."])
                )
                continue
            try:
                transition(piece, request.user)
                changed += 1
            except transitions.WorkflowError as error:
                refused.append((piece, error.problems))
        if changed:
            messages.success(request, f"{changed} piece(s) {done}.")
        for piece, problems in refused:
            messages.error(request, f"“{piece}” was not changed: {' '.join(problems)}")

    @admin.action(description="Submit for review")
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, transitions.submit, "submitted for review")

    @admin.action(
        description="Publish (scheduled if their publication time is still to come)",
        permissions=["publish"],
    )
    def publish_pieces(self, request, queryset):
        self._apply(request, queryset, transitions.publish, "published or scheduled")

    @admin.action(description="Back to draft (unpublish, or send back)", permissions=["publish"])
    def back_to_draft(self, request, queryset):
        self._apply(request, queryset, transitions.back_to_draft, "moved back to draft")

    # Read-only parts of the form

    @admin.display(description="State")
    def state(self, obj):
        return obj.state_label if obj.pk else "New"

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the piece to preview it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">See it as readers will</a>',
            reverse("articles:preview", args=[obj.pk]),
        )

    # The piece's audit trail and revisions

    def _url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                view(self.revisions_view),
                name=self._url_name("revisions"),
            ),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name=self._url_name("restore"),
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["audit_events"] = obj.audit_events.select_related("user")[:50]
            extra_context["revisions_url"] = reverse(
                f"admin:{self._url_name('revisions')}", args=[obj.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _piece_or_404(self, request, object_id, check):
        obj = self.get_object(request, object_id)
        if obj is None or not check(request, obj):
            raise Http404("No such piece.")
        return obj

    def revisions_view(self, request, object_id):
        obj = self._piece_or_404(request, object_id, self.has_view_permission)
        versions = list(revisions.versions_of(obj))
        by_id = {str(v.pk): v for v in versions}
        changes = older = newer = None
        if "a" in request.GET or "b" in request.GET:
            older, newer = by_id.get(request.GET.get("a")), by_id.get(request.GET.get("b"))
            if older is None or newer is None:
                raise Http404("Choose two revisions of this piece.")
            if older.revision.date_created > newer.revision.date_created:
                older, newer = newer, older
            changes = revisions.diff(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Revisions of “{obj}”",
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": changes,
            "can_restore": self.has_change_permission(request, obj),
            "restore_url_name": f"admin:{self._url_name('restore')}",
        }
        return TemplateResponse(request, "admin/articles/piece_revisions.html", context)

    def restore_view(self, request, object_id, version_id):
        obj = self._piece_or_404(request, object_id, self.has_change_permission)
        version = get_object_or_404(revisions.versions_of(obj), pk=version_id)
        if request.method == "POST":
            try:
                transitions.restore(obj, version, request.user)
            except transitions.WorkflowError as error:
                messages.error(request, " ".join(error.problems))
            else:
                messages.success(request, "The revision was restored. The piece kept its state.")
                return redirect(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": f"Restore “{obj}” as it was?",
            "version": version,
            "changes": revisions.diff(revisions.versions_of(obj).first(), version)
            if revisions.versions_of(obj).exists()
            else [],
        }
        return TemplateResponse(request, "admin/articles/piece_restore.html", context)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The site-wide audit trail: append-only, filterable by action, person and date."""

    list_display = ["at", "action", "piece_link", "user", "detail"]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["piece_title", "detail", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user", "piece"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Piece", ordering="piece_title")
    def piece_link(self, obj):
        if obj.piece_id is None:
            return obj.piece_title
        return format_html('<a href="{}">{}</a>', obj.piece.admin_url(), obj.piece_title)
