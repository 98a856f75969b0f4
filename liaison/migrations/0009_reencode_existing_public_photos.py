"""The representatives' and stations' photos uploaded before issue #10 were stored as sent,
EXIF and GPS included, on a public URL: re-encoded here as new uploads are
(liaison/photo_fields.py), each under a new random name, the old file removed. A file that is
missing or no photo is left as it is (staff see it on the change page and can replace it)."""

import uuid

from django.core.files.base import ContentFile
from django.db import migrations

from liaison.images import PhotoRejected, clean_image

# The sides the model fields keep (liaison/models/places.py).
SIDES = {"Representative": 256, "Station": 960}


def reencode(apps, schema_editor):
    for model_name, side in SIDES.items():
        model = apps.get_model("liaison", model_name)
        for obj in model.objects.exclude(photo="").only("pk", "photo").iterator():
            old = obj.photo
            try:
                with old.open("rb") as handle:
                    data = clean_image(handle.read(), max_side=side)
            except (FileNotFoundError, PhotoRejected, ValueError, OSError):
                continue
            old_name, storage = old.name, old.storage
            obj.photo.save(f"{uuid.uuid4().hex}.jpg", ContentFile(data), save=False)
            model.objects.filter(pk=obj.pk).update(photo=obj.photo.name)
            storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [("liaison", "0008_public_photos_reencoded")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
