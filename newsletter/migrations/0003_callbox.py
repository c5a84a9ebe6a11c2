"""The newsletter's call box texts move here from articles' site settings, their values with
them (who may edit them is in the role map, kazcms/roles.py)."""

from django.db import migrations, models


def copy_texts(apps, schema_editor):
    SiteSettings = apps.get_model("articles", "SiteSettings")
    NewsletterSettings = apps.get_model("newsletter", "NewsletterSettings")
    site = SiteSettings.objects.filter(pk=1).first()
    if site is not None:
        NewsletterSettings.objects.update_or_create(
            pk=1, defaults={"title": site.newsletter_title, "text": site.newsletter_text}
        )


def copy_texts_back(apps, schema_editor):
    SiteSettings = apps.get_model("articles", "SiteSettings")
    texts = apps.get_model("newsletter", "NewsletterSettings").objects.filter(pk=1).first()
    if texts is not None:
        SiteSettings.objects.filter(pk=1).update(
            newsletter_title=texts.title, newsletter_text=texts.text
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_subscriber_roles"),
        ("articles", "0009_audit_staff_security_events"),
    ]
    # The texts are copied before articles drops them; articles knows nothing of the newsletter.
    run_before = [("articles", "0010_sitesettings_newsletter_texts_moved")]

    operations = [
        migrations.CreateModel(
            name="NewsletterSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        default="Frontline Updates",
                        help_text="The call box heading, the sign-up pages and the emails use it.",
                        max_length=100,
                        verbose_name="newsletter name",
                    ),
                ),
                (
                    "text",
                    models.CharField(
                        default="Our reporters' stories from the region, in your inbox every week.",
                        help_text=(
                            "One or two sentences under the name, in the call box and on the "
                            "sign-up page."
                        ),
                        max_length=300,
                        verbose_name="call box text",
                    ),
                ),
            ],
            options={
                "verbose_name": "newsletter settings",
                "verbose_name_plural": "newsletter settings",
            },
        ),
        migrations.RunPython(copy_texts, copy_texts_back),
    ]
