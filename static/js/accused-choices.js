/* The collect form's accused choices (检举控告, 信访工作条例 Art. 30).
 *
 * Shown only while the chosen category is an accusation (its option carries
 * data-accusation); hidden ones are disabled, so a choice made and then abandoned is not
 * sent. Each gets a text box above it that keeps only the options (or whole town groups)
 * whose words match what is typed: a list of ~150 representatives is unusable otherwise.
 * Options are rebuilt rather than hidden, as phones' browsers ignore hidden options.
 * Without this script the choices are plain grouped lists, always shown; the server checks
 * them either way. A file of its own, never inline, so a Content-Security-Policy that
 * forbids inline scripts can be set.
 */
(function () {
  "use strict";

  function wrapper(select) {
    return select.closest(".mb-3") || select.parentNode;
  }

  function addFilter(select) {
    // The list as the server drew it: loose options (the empty one) and groups.
    var parts = Array.prototype.map.call(select.children, function (node) {
      if (node.tagName !== "OPTGROUP") {
        return { option: node };
      }
      return { label: node.label, options: Array.prototype.slice.call(node.children) };
    });
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-filter");
    box.setAttribute("aria-label", select.getAttribute("data-filter"));
    box.setAttribute("autocomplete", "off");
    select.parentNode.insertBefore(box, select);

    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var chosen = select.value;
      var matches = function (text) {
        return !words || text.toLowerCase().indexOf(words) !== -1;
      };
      select.textContent = "";
      parts.forEach(function (part) {
        if (part.option) {
          select.appendChild(part.option);
          return;
        }
        var whole = matches(part.label);
        var group = document.createElement("optgroup");
        group.label = part.label;
        part.options.forEach(function (option) {
          // The chosen one always stays: filtering never changes the choice.
          if (whole || option.value === chosen || matches(option.text)) {
            group.appendChild(option);
          }
        });
        if (group.children.length) {
          select.appendChild(group);
        }
      });
      select.value = chosen;
    });
  }

  function setUp(form) {
    var category = form.querySelector("select[name=category]");
    var accused = form.querySelectorAll("select[data-accused]");
    if (!category || !accused.length) {
      return;
    }
    Array.prototype.forEach.call(accused, addFilter);
    var toggle = function () {
      var option = category.options[category.selectedIndex];
      var show = Boolean(option && option.hasAttribute("data-accusation"));
      Array.prototype.forEach.call(accused, function (select) {
        wrapper(select).hidden = !show;
        select.disabled = !show;
      });
    };
    category.addEventListener("change", toggle);
    toggle();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-accused-choices]"), setUp);
})();
