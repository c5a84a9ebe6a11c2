"""The newsletter texts live in the newsletter app now; the sign-up address was shown nowhere."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0009_audit_staff_security_events'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='sitesettings',
            name='newsletter_text',
        ),
        migrations.RemoveField(
            model_name='sitesettings',
            name='newsletter_title',
        ),
        migrations.RemoveField(
            model_name='sitesettings',
            name='newsletter_url',
        ),
        migrations.AlterField(
            model_name='sitesettings',
            name='footer_text',
            field=models.CharField(blank=True, help_text='A line in the footer of every page. Empty: none.', max_length=300),
        ),
    ]
