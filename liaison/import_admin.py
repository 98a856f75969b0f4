"""Import and export of the county's tables in the administration (django-import-export).

Who may: county congress staff and superusers (``Roles.county``) with the model's add and
change permissions import; county staff with the view permission export. Town and station
staff do neither: a town's lists are the county's to keep, and an export carries every
representative's private mobile.

How: XLSX (or CSV), a dry run first whose preview lists every row's problem in Chinese, by
the sheet's own row number; the confirm button only when there is none. The confirmation
imports inside one transaction and rolls everything back on any problem, a forged
confirmation of a bad file included. Each created or changed object gets its admin log
entry (LogEntry), as a change by hand does; skipped rows get none.
"""

from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult

from liaison.imports import sheet_row
from liaison.imports.templates import template_workbook
from liaison.roles import roles_for

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_problems(result, resource) -> list[tuple[int | None, str, str]]:
    """Every problem of an import as (sheet row, column, message), in row order."""
    columns = {}
    for name, field in resource.fields.items():
        columns[name] = str(field.column_name)
        if field.attribute:
            columns[field.attribute] = str(field.column_name)
    problems = []
    for error in result.base_errors:
        found = error.error
        texts = found.messages if isinstance(found, ValidationError) else [str(found)]
        problems.extend((None, "", text) for text in texts)
    for row in result.error_rows:
        for error in row.errors:
            problems.append(
                (
                    sheet_row(row.number),
                    "",
                    gettext("This row could not be saved: %(error)s") % {"error": error.error},
                )
            )
    for row in result.invalid_rows:
        for key, texts in row.error_dict.items():
            column = "" if key == NON_FIELD_ERRORS else columns.get(key, key)
            problems.extend((sheet_row(row.number), column, text) for text in texts)
    return sorted(problems, key=lambda p: p[0] or 0)


class CountyImportForm(ImportForm):
    """XLSX chosen already (the first format): it is what the templates and Excel or WPS
    give; CSV stays one click away."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"


class CountyExportForm(ExportForm):
    """XLSX chosen already, as for the import."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].initial = "0"


class CountyImportExportMixin(ImportExportMixin):
    """The mixin for the admins of the five tables a county loads from spreadsheets."""

    formats = [XLSX, CSV]
    import_form_class = CountyImportForm
    # Every column, always: an export is the file a re-import reads.
    export_form_class = CountyExportForm

    def get_export_filename(self, request, queryset, file_format):
        """The table's Chinese name and the day, as staff file it (镇（街道）-2026-12-02.xlsx),
        not the model's class name."""
        table = self.model._meta.verbose_name_plural
        return f"{table}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """The library writes ``filename="…"`` as is, which a Chinese name does not survive
        (RFC 6266 wants ``filename*`` for it): the header again, the way Django writes it."""
        response = super()._do_file_export(file_format, request, queryset, export_form)
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response

    import_template_name = "admin/liaison/import.html"

    # --- who may ---------------------------------------------------------------------------

    @staticmethod
    def _county(request) -> bool:
        # A superuser counts as county staff (roles_for): known without its queries, which
        # every change list would otherwise add.
        return request.user.is_superuser or roles_for(request.user).county

    def has_import_permission(self, request):
        return (
            self._county(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self._county(request) and self.has_view_permission(request)

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"viewer": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {}

    # --- the empty template ----------------------------------------------------------------

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{app_label}_{model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        filename = gettext("%(things)s import template.xlsx") % {
            "things": self.model._meta.verbose_name_plural
        }
        response = HttpResponse(template_workbook(resource), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def get_import_context_data(self, **kwargs):
        app_label, model_name = self.get_model_info()
        return {
            "import_template_url": reverse(
                f"{self.admin_site.name}:{app_label}_{model_name}_import_template"
            ),
        }

    # --- the dry run and the confirmation --------------------------------------------------

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # A row with a validation error rolls back every row, not only itself.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = response.context_data.get("result")
        if result is not None:
            resource = self.get_import_resource_classes(request)[0]()
            response.context_data["problems"] = import_problems(result, resource)
        return response

    def process_import(self, request, **kwargs):
        if self.has_import_permission(request) and self._upload_is_gone(request):
            # A second click on the button (the first imported the file and removed it), or
            # a confirmation that reached another web host: a message, never a 500.
            messages.error(
                request,
                _(
                    "This file was already imported or is no longer available: check the "
                    "list, and upload it again if it is not there."
                ),
            )
            app_label, model_name = self.get_model_info()
            return redirect(f"{self.admin_site.name}:{app_label}_{model_name}_import")
        return super().process_import(request, **kwargs)

    def _upload_is_gone(self, request) -> bool:
        form = self.create_confirm_form(request)
        if request.method != "POST" or not form.is_valid():
            return False  # the library answers these itself
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            read_mode="rb",
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            return storage.read() is None  # the cache's storage says "gone" so
        except FileNotFoundError:
            return True

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            _(
                "This file cannot be read as the chosen format. Save it from Excel or WPS as "
                "an .xlsx workbook (or choose CSV for a .csv file) and upload it again."
            ),
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # Only a confirmation of a file with problems gets here (the preview offers no
            # button then): the transaction was rolled back, nothing was saved.
            return self._render_refused(result, request)
        return super().process_result(result, request)

    def _render_refused(self, result, request):
        messages.error(request, _("Nothing was imported: the file has problems, listed below."))
        form = self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )
        resource = self.get_import_resource_classes(request)[0]()
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "result": result,
            "problems": import_problems(result, resource),
            "fields_list": [],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def generate_log_entries(self, result, request):
        """One admin log entry per created or changed object, none for a skipped row."""
        if self.get_skip_admin_log():
            return
        flags = {
            RowResult.IMPORT_TYPE_NEW: (ADDITION, gettext("Added by a spreadsheet import.")),
            RowResult.IMPORT_TYPE_UPDATE: (CHANGE, gettext("Changed by a spreadsheet import.")),
        }
        for import_type, (flag, message) in flags.items():
            instances = [row.instance for row in result if row.import_type == import_type]
            if instances:
                LogEntry.objects.log_actions(
                    request.user.pk,
                    instances,
                    flag,
                    change_message=message,
                    single_object=len(instances) == 1,
                )
