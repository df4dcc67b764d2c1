// Small improvements on top of server-rendered pages; every page works without them.
"use strict";

// After htmx puts an answer in place, move the focus to its message, if it has one, so that
// keyboard and screen-reader users learn at once what the form did.
document.addEventListener("htmx:afterSwap", (event) => {
  const message = event.detail.target.querySelector("[role=alert], [data-focus]");
  if (message) {
    if (!message.hasAttribute("tabindex")) message.setAttribute("tabindex", "-1");
    message.focus();
  }
});
