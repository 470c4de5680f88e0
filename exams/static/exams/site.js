/* What every page's script shares: times in the viewer's zone and language, focus on the new
 * content after an action reloads the page, and no stale page from the browser's history. */
(function () {
  "use strict";

  const language = document.documentElement.lang || undefined;

  /* <time datetime data-local> elements written in UTC by the server are shown in the viewer's
   * time zone, formatted for the page's language; the UTC text stays as a tooltip. */
  function formatted(moment, options) {
    try { return new Intl.DateTimeFormat(language, options).format(moment); } catch (error) {
      return new Intl.DateTimeFormat(undefined, options).format(moment);
    }
  }
  document.querySelectorAll("time[data-local]").forEach(function (element) {
    const moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    const date = formatted(moment, { year: "numeric", month: "short", day: "numeric" });
    const time = formatted(moment, { hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    const spans = element.querySelectorAll("span");
    element.title = element.textContent;
    if (spans.length === 2) {
      spans[0].textContent = date;
      spans[1].textContent = time;
    } else {
      element.textContent = date + " " + time;
    }
  });

  /* After an action that reloads the page (start, end, confirm...), focus lands on the new
   * content's heading, so a keyboard or screen-reader user does not start again from the top.
   * The page that reloads calls SpecialExams.reloadWithFocus(). */
  const FOCUS_KEY = "special-exams:focus-main";
  function focusMainHeading() {
    const main = document.getElementById("main");
    const heading = main && (main.querySelector("[data-focus-heading]") || main.querySelector("h1, h2"));
    if (!heading) return;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
  try {
    if (window.sessionStorage.getItem(FOCUS_KEY) === window.location.pathname) {
      window.sessionStorage.removeItem(FOCUS_KEY);
      focusMainHeading();
    }
  } catch (error) { /* storage refused: focus stays at the top */ }

  window.SpecialExams = {
    reloadWithFocus: function (url) {
      const target = new URL(url || window.location.pathname, window.location.href);
      try { window.sessionStorage.setItem(FOCUS_KEY, target.pathname); } catch (error) { /* ignored */ }
      window.location.replace(target.pathname + target.search);
    },
  };

  /* A page restored from the back-forward cache would show a state that has moved on (a
   * running timer after the exam was submitted): load it again from the server. */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
