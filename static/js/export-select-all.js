// django-import-export's export page: the "select all" box ticks or clears every field.
// The library wires it with onchange="…", which the Content-Security-Policy refuses; the
// same call from a file (templates/admin/import_export/export.html).
document.addEventListener("change", function (event) {
  if (event.target.matches("input.select-toggle") && typeof onSelectToggleChange === "function") {
    onSelectToggleChange(event);  // defined by import_export/export_selectable_fields.js
  }
});
