/* Data Download: generate a report, follow the pending tasks live, expire links in place. */
(function () {
  "use strict";
  const root = document.getElementById("reports");
  if (!root) return;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const message = document.getElementById("report-message");
  const loadedAt = Date.now();
  const linkMs = Number(root.dataset.linkSeconds) * 1000;
  const shownFinished = new Set((root.dataset.finishedIds || "").split(",").filter(Boolean).map(Number));

  async function call(url, method) {
    const response = await fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    });
    const data = await response.json().catch(function () { return null; });
    if (!response.ok) throw new Error((data && data.message) || interpolate(gettext("The server answered %s."), [response.status]));
    return data;
  }

  function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }

  function renderPending(jobs) {
    const body = root.querySelector("[data-pending] tbody");
    body.replaceChildren();
    const pending = jobs.filter(function (j) { return j.status === "queued" || j.status === "running"; });
    if (!pending.length) {
      const row = document.createElement("tr");
      const td = cell(gettext("No reports are being built.")); td.colSpan = 3; row.append(td); body.append(row);
      return false;
    }
    pending.forEach(function (job) {
      const row = document.createElement("tr");
      row.dataset.job = job.id;
      const progress = document.createElement("progress");
      progress.max = 100; progress.value = job.percent; progress.setAttribute("aria-label", gettext("Progress"));
      const td = document.createElement("td");
      td.append(progress, " " + job.rows_done + (job.rows_total === null ? "" : " / " + job.rows_total));
      const when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        dateStyle: "medium", timeStyle: "medium",
      }).format(new Date(job.created_at));
      row.append(cell(when), cell(job.status_label), td);
      body.append(row);
    });
    return true;
  }

  async function refresh() {
    let jobs;
    try { jobs = await call(root.dataset.listUrl, "GET"); } catch (error) { message.textContent = error.message; return; }
    const busy = renderPending(jobs);
    const newlyFinished = jobs.some(function (j) {
      return (j.status === "done" || j.status === "failed") && !shownFinished.has(j.id);
    });
    if (newlyFinished) {  // show finished reports with fresh links
      window.location.replace(window.location.pathname);
      return;
    }
    if (busy) setTimeout(refresh, 1500);
  }

  root.querySelector("[data-generate]").addEventListener("click", async function (event) {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await call(root.dataset.requestUrl, "POST");
      message.textContent = gettext("The report is being generated. You can leave this page; it keeps running.");
      refresh();
    } catch (error) { message.textContent = error.message; }
    button.disabled = false;
  });

  root.querySelectorAll("[data-retry]").forEach(function (button) {
    button.addEventListener("click", async function () {
      button.disabled = true;
      try { await call(button.dataset.retry, "POST"); window.location.replace(window.location.pathname); } catch (error) { message.textContent = error.message; button.disabled = false; }
    });
  });

  /* Links on an open page expire too: after their lifetime, say so and disable them. */
  setTimeout(function () {
    if (!root.querySelector("[data-download]")) return;  // no links, nothing expired
    root.querySelectorAll("[data-download]").forEach(function (a) {
      a.removeAttribute("href"); a.setAttribute("aria-disabled", "true");
    });
    root.querySelector("[data-links-expired]").hidden = false;
  }, Math.max(0, linkMs - (Date.now() - loadedAt) - 2000));

  if (root.querySelector("[data-pending] tr[data-job]")) refresh();
})();
