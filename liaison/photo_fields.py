"""The representatives' and stations' own photos (public media): re-encoded on upload, like
the citizens' (``liaison/images.py``): decoded, turned upright, shrunk to what their page
shows, and written as a fresh JPEG without EXIF, GPS, XMP or ICC data, under a random name.

The model field hands every ModelForm (the admin's, and any other) a form field that does
this in ``clean()``: a file that is no photo, or too large, is an error in the form, in
Chinese, and nothing is saved.
"""

import uuid

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from liaison.images import PhotoRejected, clean_image


class CleanPhotoFormField(forms.ImageField):
    """An image upload, returned re-encoded (a new JPEG, no metadata, at most ``max_side``)."""

    def __init__(self, *, max_side: int, **kwargs):
        self.max_side = max_side
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not isinstance(value, UploadedFile):
            return value  # unchanged, cleared, or empty
        value.seek(0)
        try:
            cleaned = clean_image(value.read(), max_side=self.max_side)
        except PhotoRejected as error:
            raise forms.ValidationError(str(error), code="invalid_image") from None
        # Random names only: the uploaded file's name never reaches the disk.
        return ContentFile(cleaned, name=f"{uuid.uuid4().hex}.jpg")


class CleanPhotoField(models.ImageField):
    """An ImageField whose uploads are re-encoded without metadata (see the module)."""

    def __init__(self, *args, max_side: int = 1024, **kwargs):
        self.max_side = max_side
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["max_side"] = self.max_side
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(
            **{"form_class": CleanPhotoFormField, "max_side": self.max_side, **kwargs}
        )
