// The periodic-task form of django_celery_beat's admin: under the schedule (crontab) field,
// its description in words ("At 02:00 on day 1 of January"). django_celery_beat writes this
// as an inline script, which the Content-Security-Policy refuses; the same, from a file
// (templates/admin/djcelery/change_periodictask_form.html).
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  var help = document.querySelector(".field-crontab .help");
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) {
    translation.style.display = "none";  // set from a script: allowed by the policy
  }
  if (!data || !select || !help) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var original = help.textContent;
  function show() {
    help.textContent = original;
    var words = readable[select.value];
    if (words) {
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode(words));
    }
  }
  select.addEventListener("change", show);
  show();
})();
