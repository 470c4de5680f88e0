/* The instructor pages' script. The pages work without it (confirmation pages, plain forms);
 * it adds: a confirmation dialog in place of the confirmation page for links marked
 * data-confirm, times shown in the viewer's time zone, and focus on the first error. */
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

  /* <time datetime> elements written in UTC by the server, shown in the viewer's zone as
   * "2026-11-02 10:00 CET"; the UTC text stays as a tooltip. */
  function localText(moment) {
    const pad = function (n) { return String(n).padStart(2, "0"); };
    let zone = "";
    try {
      const part = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" })
        .formatToParts(moment).find(function (p) { return p.type === "timeZoneName"; });
      zone = part ? " " + part.value : "";
    } catch (error) { zone = ""; }
    return [
      moment.getFullYear() + "-" + pad(moment.getMonth() + 1) + "-" + pad(moment.getDate()),
      pad(moment.getHours()) + ":" + pad(moment.getMinutes()) + zone,
    ];
  }
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    const moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    const parts = localText(moment);
    const spans = element.querySelectorAll("span");
    element.title = element.textContent;
    if (spans.length === 2) {
      spans[0].textContent = parts[0];
      spans[1].textContent = parts[1];
    } else {
      element.textContent = parts.join(" ");
    }
  });

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
