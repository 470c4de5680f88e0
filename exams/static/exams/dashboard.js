/* The instructor pages' script. The pages work without it (confirmation pages, plain forms);
 * it adds: a confirmation dialog in place of the confirmation page for links marked
 * data-confirm, and focus on the first error. (Times in the viewer's zone: exams/site.js.) */
(function () {
  "use strict";

  const dialog = document.getElementById("confirm-dialog");

  /* Links with data-confirm open the dialog; its form posts to the link's address, exactly
   * as the confirmation page behind the link would. */
  if (dialog && typeof dialog.showModal === "function") {
    const form = dialog.querySelector("form");
    const title = dialog.querySelector("#confirm-title");
    const text = dialog.querySelector("#confirm-text");
    const submit = dialog.querySelector("[data-confirm-submit]");
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () {
      dialog.close();
    });
    document.querySelectorAll("a[data-confirm]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        form.action = link.href;
        title.textContent = link.dataset.confirmTitle;
        text.textContent = link.dataset.confirmText;
        submit.textContent = link.dataset.confirmButton;
        submit.disabled = false;
        dialog.showModal();
      });
    });
    form.addEventListener("submit", function () { submit.disabled = true; });
  }

  /* A dry-run report or bulk results appear far down the page: bring them to the reader. */
  const outcome = document.getElementById("csv-report") || document.getElementById("bulk-results");
  if (outcome && !document.querySelector("[aria-invalid=true]")) {
    outcome.scrollIntoView({ block: "start" });
    outcome.focus({ preventScroll: true });
  }

  /* After a refused form, bring the first error into view and focus its field. */
  const invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.scrollIntoView({ block: "center" });
    invalid.focus();
  }
})();
