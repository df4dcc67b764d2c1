// The public status page, kept fresh: every 60 seconds, while the page is in view, it is
// fetched again and the parts marked `data-live` that changed are put in place. The page
// works without this; the subscription form is never touched, nor a part holding the focus.
"use strict";

(() => {
  const EVERY_MS = 60_000;
  if (!document.querySelector("[data-live]") || !window.fetch || !window.DOMParser) return;

  async function refresh() {
    if (document.hidden) return;
    let answer;
    try {
      answer = await fetch(location.href, { cache: "no-cache", headers: { Accept: "text/html" } });
    } catch {
      return; // offline for a moment: the page as it is stays, and the next round tries again
    }
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    for (const part of document.querySelectorAll("[data-live][id]")) {
      const next = fresh.getElementById(part.id);
      if (next && next.innerHTML !== part.innerHTML && !part.contains(document.activeElement)) {
        part.innerHTML = next.innerHTML;
      }
    }
    const updated = fresh.querySelector(".status-footer");
    const footer = document.querySelector(".status-footer");
    if (updated && footer) footer.innerHTML = updated.innerHTML;
  }

  setInterval(refresh, EVERY_MS);
})();
