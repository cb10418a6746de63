// A room page that is waiting (not open yet, or ended by a facilitator):
// ask the small status URL now and then, and load the room when it opens.
// Without JavaScript the page says when to reload instead.
const script = document.querySelector("script[data-status-url]");
const url = script.dataset.statusUrl;
const every = Number(script.dataset.pollSeconds || 15) * 1000;
const live = document.querySelector("[data-room-wait]");

async function check() {
  if (!document.hidden) {
    let status = null;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) status = (await response.json()).status;
      else if (response.status === 404) return; // no longer ours to see: stop asking
    } catch {
      // offline for a moment: ask again next time
    }
    if (status === "open") {
      if (live) live.textContent = "The room is open. Loading it…";
      window.location.reload();
      return;
    }
    if (status && status !== script.dataset.status) {
      window.location.reload(); // anything else new: the page says what happened
      return;
    }
  }
  window.setTimeout(check, every / 2 + Math.random() * every); // jitter: not everyone at once
}

window.setTimeout(check, every / 2 + Math.random() * every);
