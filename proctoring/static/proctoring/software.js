/* The simulated proctoring software window. It talks to its vendor (the server), which calls
 * the app back with signed callbacks; and it tells the exam page it is alive. */
(function () {
  "use strict";
  const root = document.getElementById("software");
  if (!root) return;
  const status = document.getElementById("software-status");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(root.dataset.channel) : null;
  const monitoring = root.dataset.monitoring === "true";
  let alive = null;
  let heartbeat = null;
  // While a monitored exam runs, closing this window ends the exam: the browser asks first.
  let guarding = false;

  async function signal(event, reason) {
    const body = new URLSearchParams({ event: event });
    if (reason) body.set("reason", reason);
    const response = await fetch(root.dataset.signalUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token }, body: body,
    });
    if (!response.ok) throw new Error(interpolate(gettext("The proctoring service did not answer (%s)."), [response.status]));
    return response.json();
  }

  async function attemptStatus() {
    const response = await fetch(root.dataset.attemptUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    return response.ok ? (await response.json()).status : null;
  }

  function show(id) {
    ["monitoring", "upload", "finished"].forEach(function (name) { document.getElementById(name).hidden = name !== id; });
  }

  function startLiveness() {
    guarding = monitoring;
    if (!channel || alive) return;
    const beat = function () { channel.postMessage({ alive: true, at: Date.now() }); };
    beat();
    alive = setInterval(beat, 2000);
    if (monitoring) heartbeat = setInterval(function () { signal("heartbeat").catch(function () {}); }, 30000);
  }

  function stopLiveness() {
    guarding = false;
    clearInterval(alive); clearInterval(heartbeat); alive = null;
  }

  /* Closing the window (not its buttons) during the exam: the browser warns that leaving ends
   * the exam, and only if the learner goes on does the software report that it was closed. */
  window.addEventListener("beforeunload", function (event) {
    if (!guarding) return;
    event.preventDefault();
    event.returnValue = "";
  });
  window.addEventListener("pagehide", function () {
    if (!guarding) return;
    guarding = false;
    if (channel) channel.postMessage({ stopped: true });
    const body = new FormData();
    body.set("event", "error");
    body.set("reason", "closed");
    body.set("csrfmiddlewaretoken", token);
    navigator.sendBeacon(root.dataset.signalUrl, body);
  });

  const steps = Array.from(root.querySelectorAll("[data-step]"));
  steps.forEach(function (step, index) {
    step.querySelector("[data-done]").addEventListener("click", async function (event) {
      const button = event.currentTarget;
      button.disabled = true;
      if (button.hasAttribute("data-last")) {
        status.textContent = gettext("Sending your checks…");
        try {
          await signal("ready");
          status.textContent = gettext("Checks passed. Return to the exam window to start.");
          root.querySelector(".steps").hidden = true;
          show("monitoring");
          startLiveness();
          watch();
        } catch (error) { status.textContent = error.message; button.disabled = false; }
        return;
      }
      status.textContent = interpolate(gettext("Step %s done."), [index + 1]);
      steps[index + 1].hidden = false;
      steps[index + 1].querySelector("button").focus();
    });
  });

  root.querySelectorAll("[data-error]").forEach(function (button) {
    button.addEventListener("click", async function () {
      stopLiveness();
      if (channel) channel.postMessage({ stopped: true });  // the exam page stops, if this signal does not
      try { await signal("error", button.dataset.error); } catch (error) { /* the exam page notices too */ }
      status.textContent = button.dataset.error === "crash" ? gettext("The software crashed.") : gettext("The software was closed.");
      show("finished");
    });
  });

  root.querySelector("[data-upload]").addEventListener("click", async function (event) {
    event.currentTarget.disabled = true;
    try {
      await signal("session_submitted");
      status.textContent = monitoring ? gettext("Recording uploaded for review.")
        : gettext("Practice session closed. Nothing was recorded or sent for review.");
      show("finished");
    } catch (error) { status.textContent = error.message; event.currentTarget.disabled = false; }
  });

  /* Follow the exam: at its end, offer "quit and upload". */
  async function watch() {
    const current = await attemptStatus().catch(function () { return null; });
    if (current === "completed" || current === "timed_out") { stopLiveness(); show("upload"); return; }
    if (current === "error" || current === "submitted") { stopLiveness(); show("finished"); return; }
    setTimeout(watch, 2000);
  }

  /* Reopened after the checks (e.g. after a staff resume): go straight to monitoring. */
  attemptStatus().then(function (current) {
    if (current === "ready_to_start" || current === "started" || current === "ready_to_submit") {
      root.querySelector(".steps").hidden = true;
      show("monitoring");
      startLiveness();
      watch();
    } else if (current === "completed" || current === "timed_out") {
      root.querySelector(".steps").hidden = true;
      show("upload");
    } else if (["error", "submitted", "second_review_required", "verified", "rejected"].includes(current)) {
      root.querySelector(".steps").hidden = true;
      show("finished");
    }
  });
})();
