/* The Django admin as support staff use it: every autocomplete box named by its field's label
 * (select2 names its combobox only by the current choice, which is empty at first). */
(function () {
  "use strict";
  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      const box = select.parentElement && select.parentElement.querySelector(".select2-selection[role=combobox]");
      if (!label || !box) return;
      if (!label.id) label.id = select.id + "-label";
      [box, box.querySelector("[role=textbox]")].forEach(function (element) {
        if (!element) return;
        const current = element.getAttribute("aria-labelledby") || "";
        if (current.split(" ").indexOf(label.id) === -1) {
          element.setAttribute("aria-labelledby", (label.id + " " + current).trim());
        }
      });
    });
  }
  // After the admin's own scripts have set the boxes up: its jQuery "ready" handlers run in
  // order, and this one is added after theirs.
  if (window.django && window.django.jQuery) window.django.jQuery(nameComboboxes);
  else window.addEventListener("load", nameComboboxes);
})();
