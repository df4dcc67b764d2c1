// The major-incident cockpit's countdown to the next operational message due (R14): ticks the
// time left down every second between the server's answers, which htmx fetches every 20 s.
// Without this script the page shows the server's figures as they were when it answered.
"use strict";

(() => {
  // Milliseconds the server's clock is ahead of this one, per countdown element: each answer
  // brings its own `data-now`, so a swapped-in element is measured afresh.
  const skew = new WeakMap();

  // As the server's `duration` filter writes a span: "1 t 5 min", "12 min 30 sek.".
  function span(seconds, element) {
    let rest = Math.floor(seconds);
    const days = Math.floor(rest / 86400);
    rest -= days * 86400;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    const secs = rest - minutes * 60;
    const parts = [];
    if (days) parts.push(`${days} d`);
    if (hours) parts.push(`${hours} ${element.dataset.unitHours}`);
    if (minutes || (!parts.length && !secs)) parts.push(`${minutes} min`);
    if (secs && !days && !hours) parts.push(`${secs} ${element.dataset.unitSeconds}`);
    return parts.join(" ");
  }

  function show(element, selector, visible) {
    const part = element.querySelector(selector);
    if (part) part.hidden = !visible;
  }

  function tick() {
    for (const element of document.querySelectorAll("[data-countdown]")) {
      if (!skew.has(element)) skew.set(element, Date.parse(element.dataset.now) - Date.now());
      const now = Date.now() + skew.get(element);
      const left = (Date.parse(element.dataset.due) - now) / 1000;
      const overdue = left < 0;
      element.classList.toggle("countdown-overdue", overdue);
      show(element, "[data-countdown-overdue]", overdue);
      const label = element.querySelector("[data-countdown-label]");
      if (label) label.textContent = overdue ? label.dataset.late : label.dataset.running;
      const figure = element.querySelector("[data-countdown-left]");
      if (figure) figure.textContent = span(Math.abs(left), element);
    }
  }

  setInterval(tick, 1000);
})();
