/* The exam pages' script: action buttons, answer autosave and the timer.
 * It only displays time: the server owns the clock, and every poll re-syncs the countdown.
 * Its words come from the page language's catalog (gettext, from /jsi18n/). */
(function () {
  "use strict";

  const reload = function (url) { window.SpecialExams.reloadWithFocus(url); };

  const SYNC_SECONDS = 30;
  // The server floors the seconds it reports, so the local 00:00 can come up to a second before
  // the real deadline; a submit sent then would end the exam as "completed", not "timed out".
  const END_MARGIN_SECONDS = 1;
  const LIVENESS_SECONDS = 15;
  // After the software says it stopped, how long its vendor's report gets to end the exam.
  const STOPPED_GRACE_SECONDS = 5;
  const csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  const errorBox = document.getElementById("page-error");

  function csrfToken() {
    if (csrfInput) return csrfInput.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(url, method, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const error = new Error((data && data.message) || interpolate(gettext("The server answered %s."), [response.status]));
      error.code = data && data.code;
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function showError(message) {
    if (!errorBox) { window.alert(message); return; }
    errorBox.textContent = message;
    errorBox.hidden = false;
    errorBox.focus && errorBox.focus();
  }

  /* Buttons with data-steps: a list of {url, method?, body?} called in order; "{attempt}" in a
   * url is replaced by the id returned by the previous step. Then the page reloads. */
  document.querySelectorAll("[data-steps]").forEach(function (button) {
    button.addEventListener("click", async function () {
      const steps = JSON.parse(button.dataset.steps);
      button.disabled = true;
      let last = null;
      try {
        for (const step of steps) {
          const url = step.url.replace("{attempt}", last && last.id);
          last = await api(url, step.method || "POST", step.body || {});
        }
        reload();
      } catch (error) {
        button.disabled = false;
        showError(error.message);
      }
    });
  });

  /* The answers form is never submitted: Enter in a field must not reload the page. */
  document.querySelectorAll("form[data-no-submit]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  });

  /* Answers are saved as the learner goes. */
  function responseOf(fieldset) {
    const kind = fieldset.dataset.kind;
    if (kind === "single_choice" || kind === "multiple_choice") {
      return Array.from(fieldset.querySelectorAll("input:checked")).map(function (i) { return Number(i.value); });
    }
    return fieldset.querySelector("input").value;
  }

  document.querySelectorAll("fieldset[data-answer-url]").forEach(function (fieldset) {
    const state = fieldset.querySelector(".save-state");
    let timer = null;
    async function save() {
      state.textContent = gettext("Saving…");
      try {
        await api(fieldset.dataset.answerUrl, "PUT", { response: responseOf(fieldset) });
        state.textContent = gettext("Saved");
      } catch (error) {
        // The time ran out; or the exam ended otherwise (submitted in another tab): the page
        // says which once reloaded.
        if (error.code === "deadline_passed") { reload(window.location.pathname + "?ended=time"); return; }
        if (error.code === "illegal_transition") { reload(); return; }
        state.textContent = interpolate(gettext("Not saved: %s"), [error.message]);
      }
    }
    fieldset.addEventListener("change", function () { clearTimeout(timer); save(); });
    fieldset.addEventListener("input", function (event) {
      if (event.target.type !== "text") return;
      clearTimeout(timer);
      timer = setTimeout(save, 800);
    });
  });

  /* The setup page waits for the proctoring software to confirm its checks. */
  document.querySelectorAll("[data-await-status]").forEach(function (section) {
    async function check() {
      try {
        const attempt = await api(section.dataset.attemptUrl, "GET");
        if (attempt.status !== "download_software_clicked") { reload(); return; }
      } catch (error) { /* try again at the next tick */ }
      setTimeout(check, 3000);
    }
    setTimeout(check, 3000);
  });

  /* The timer. */
  function hhmmss(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const pad = function (n) { return String(n).padStart(2, "0"); };
    return pad(Math.floor(s / 3600)) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  /* The time left in words: whole minutes, or seconds when less than a minute remains. */
  function spoken(seconds) {
    const left = Math.max(0, Math.ceil(seconds));
    if (left < 60) return interpolate(ngettext("%s second", "%s seconds", left), [left]);
    const minutes = Math.ceil(left / 60);
    return interpolate(ngettext("%s minute", "%s minutes", minutes), [minutes]);
  }

  document.querySelectorAll("[data-timer]").forEach(function (box) {
    const digits = box.querySelector("[data-timer-digits]");
    const flag = box.querySelector("[data-timer-flag]");
    const toggle = box.querySelector("[data-timer-toggle]");
    const announcer = document.querySelector("[data-timer-announcer]");
    const isExam = box.dataset.mode === "exam";
    const warn = (box.dataset.warn || "").split(",").map(Number).filter(function (n) { return n > 0; });
    let remaining = Number(box.dataset.remaining);
    let syncedAt = performance.now();
    let warned = 0;
    let ended = false;

    function secondsLeft() { return remaining - (performance.now() - syncedAt) / 1000; }

    function announce(text) { if (announcer) { announcer.textContent = ""; announcer.textContent = text; } }

    /* Level 1 below 20% of the time, 2 below 5%: shown in words as well as in colour. */
    function showLevel(level) {
      warned = level;
      box.classList.toggle("timer-warning", level === 1);
      box.classList.toggle("timer-critical", level === 2);
      if (flag) flag.textContent = level === 2 ? gettext("Very little time left") : (level === 1 ? gettext("Low time") : "");
    }

    function warning(left, share) {
      const percent = new Intl.NumberFormat(document.documentElement.lang || undefined, {
        style: "percent", numberingSystem: "latn",
      }).format(share);
      return interpolate(
        gettext("Warning: %(left)s left. %(percent)s of your time remains."),
        { left: spoken(left), percent: percent }, true);
    }

    function warnings(left) {
      if (warn.length < 2) return;
      if (left <= warn[1] && warned < 2) {
        showLevel(2);
        announce(warning(left, 0.05));
      } else if (left <= warn[0] && warned < 1) {
        showLevel(1);
        announce(warning(left, 0.2));
      }
    }

    async function end() {
      if (ended) return;
      ended = true;
      // The banner submits too: reloading alone would find the attempt still running (the server
      // closes it lazily only after the answer grace) and reload again every second.
      try { await api(box.dataset.submitUrl, "POST", {}); } catch (error) { /* the server closes it anyway */ }
      reload(isExam ? box.dataset.endedUrl : undefined);
    }

    function tick() {
      const left = secondsLeft();
      digits.textContent = hhmmss(left);
      warnings(left);
      if (left <= -END_MARGIN_SECONDS) end();
    }

    async function sync() {
      try {
        const attempt = await api(box.dataset.attemptUrl, "GET");
        if (attempt.status !== "started" && attempt.status !== "ready_to_submit") {
          ended = true;
          const timedOut = attempt.status === "timed_out";
          reload(isExam && timedOut ? box.dataset.endedUrl : undefined);
          return;
        }
        remaining = attempt.time_remaining_seconds;
        syncedAt = performance.now();
      } catch (error) { /* keep counting; the next sync corrects */ }
    }

    if (toggle) {
      toggle.addEventListener("click", function () {
        const hidden = toggle.getAttribute("aria-pressed") !== "true";
        toggle.setAttribute("aria-pressed", String(hidden));
        toggle.textContent = hidden ? gettext("Show timer") : gettext("Hide timer");
        digits.hidden = hidden;
      });
    }

    /* Proctored exams: the software says it is alive; silence means it stopped. */
    const livenessChannel = box.dataset.livenessChannel;
    if (isExam && livenessChannel && "BroadcastChannel" in window) {
      let lastAlive = performance.now();
      let stoppedAt = null;  // when the software said it stopped
      new BroadcastChannel(livenessChannel).onmessage = function (event) {
        if (!(event.data && event.data.stopped)) lastAlive = performance.now();
        else if (stoppedAt === null) stoppedAt = performance.now();
      };
      const check = setInterval(async function () {
        if (ended) return;
        const now = performance.now();
        if (stoppedAt !== null && now - stoppedAt < STOPPED_GRACE_SECONDS * 1000) {
          // Its vendor reports why it stopped (the history keeps that reason): follow the
          // attempt until that report ends it, and report the stop ourselves only after that.
          sync();
          return;
        }
        if (stoppedAt === null && now - lastAlive < LIVENESS_SECONDS * 1000) return;
        clearInterval(check);
        ended = true;
        try { await api(box.dataset.errorUrl, "POST", { reason: "the proctoring software stopped answering" }); } catch (error) { /* shown after reload */ }
        reload();
      }, 1000);
    }

    if (!Number.isFinite(remaining)) return;
    // A page opened after a warning shows it at once (announced only when a threshold is crossed).
    showLevel(warn.length === 2 && remaining <= warn[1] ? 2 : (warn.length === 2 && remaining <= warn[0] ? 1 : 0));
    tick();
    setInterval(tick, 1000);
    setInterval(sync, SYNC_SECONDS * 1000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) sync(); });
  });
})();
