"""What the five tables share (``CountyResource``) and their common columns."""

from diff_match_patch import diff_match_patch
from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.results import RowResult

from liaison.imports.widgets import ByNameWidget, TextWidget, YesNoWidget, _text
from liaison.models import Town


class PreviewDiff(resources.Diff):
    """The preview's before/after of each cell, marked with <ins> and <del> alone: the
    library's own diff colours them with ``style`` attributes, which the portal's
    Content-Security-Policy refuses; its import.css colours the bare tags."""

    TAGS = {diff_match_patch.DIFF_INSERT: "ins", diff_match_patch.DIFF_DELETE: "del"}

    def as_html(self):
        cells = []
        dmp = diff_match_patch()
        for before, after in zip(self.left, self.right, strict=False):
            if before != after and self.new:
                before = ""
            diff = dmp.diff_main(force_str(before), force_str(after))
            dmp.diff_cleanupSemantic(diff)
            cells.append(
                format_html_join(
                    "",
                    "{}",
                    (
                        (format_html("<{0}>{1}</{0}>", self.TAGS[op], text),)
                        if op in self.TAGS
                        else (text,)
                        for op, text in diff
                    ),
                )
            )
        return cells


class CountyResource(resources.ModelResource):
    """What the five tables share: Chinese headers checked before any row, look-up by the
    natural key (``Meta.import_id_fields``), a key written twice in one file refused, a
    re-import of unchanged rows skipped, one query set for the whole export."""

    # What a row is called in messages ("town", "station" …), and the column notes of the
    # empty template (field name -> note); ``example`` is the template's sample row.
    what = ""
    notes: dict = {}
    example: dict = {}

    def __init__(self, *, viewer=None, **kwargs):
        super().__init__(**kwargs)
        self.viewer = viewer
        self._seen_keys = {}

    @classmethod
    def get_diff_class(cls):
        return PreviewDiff

    # The headers: the file must be one of ours.
    def before_import(self, dataset, **kwargs):
        self._seen_keys = {}
        headers = {_text(h) for h in (dataset.headers or [])}
        required = [str(self.fields[name].column_name) for name in self.get_import_id_fields()]
        missing = [name for name in required if name not in headers]
        if missing:
            # Rows of some other table would each fail for the same reason: say it once.
            del dataset[0 : len(dataset)]
            raise ValidationError(
                _(
                    "The file has no column %(columns)s. Is it the right table? Start from "
                    "the empty template on this page."
                )
                % {"columns": "、".join(f"“{m}”" for m in missing)}
            )

    def get_instance(self, instance_loader, row):
        """The existing row with this natural key, None for a new one."""
        params = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                value = field.clean(row)
            except ValueError as e:
                raise ValidationError({field.attribute: [str(e)]}) from e
            if value in (None, ""):
                return None
            params[field.attribute] = value
        try:
            return self.get_queryset().get(**params)
        except self._meta.model.DoesNotExist:
            return None
        except MultipleObjectsReturned as e:
            raise ValidationError(
                _(
                    "Several %(what)s already match this row: tell them apart in the administration first."
                )
                % {"what": self.what}
            ) from e

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        errors.update(self.check_row(instance, row, errors=errors, **kwargs))
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row, *, errors, row_number=None, **kwargs) -> dict:
        """Rules of the whole row beyond each cell's own: a key twice in the file."""
        id_fields = [self.fields[n] for n in self.get_import_id_fields()]
        if any(f.attribute in errors for f in id_fields):
            return {}
        key = tuple(str(f.get_value(instance) or "") for f in id_fields)
        if not all(key):
            return {}  # a blank key is reported as a required cell, not as a repeat
        first = self._seen_keys.setdefault(key, row_number)
        if first != row_number:
            return {
                id_fields[0].attribute: [
                    _("Row %(row)d of the sheet already has this %(what)s.")
                    % {"row": sheet_row(first), "what": self.what}
                ]
            }
        return {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if original is None or original.pk is None:
            # A new row is never "unchanged", even when every cell it fills holds a default.
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def import_row(self, row, instance_loader, **kwargs):
        if not any(_text(value) for value in row.values()):
            # Excel keeps formatted but empty rows in a sheet: they are nobody's mistake.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def iter_queryset(self, queryset):
        # The whole table in one query (and one per prefetch), whatever its size: a
        # county's lists are small, and the library's pages would count and re-query.
        yield from queryset

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.export_select_related)

    export_select_related: tuple = ()


def sheet_row(row_number: int) -> int:
    """The spreadsheet's own row number of the ``row_number``-th data row (row 1 is the
    header), as staff see it in Excel or WPS."""
    return row_number + 1


def _name_field(**kwargs):
    return fields.Field(attribute="name", column_name=_("name"), widget=TextWidget(), **kwargs)


def _active_field():
    return fields.Field(
        attribute="is_active",
        column_name=_("active"),
        widget=YesNoWidget(),
        saves_null_values=False,
    )


def _town_field(*, required=True):
    return fields.Field(
        attribute="town",
        column_name=_("town or subdistrict"),
        widget=ByNameWidget(Town, _("town or subdistrict"), first=_("towns"), required=required),
    )
