// Warns two minutes before the idle sign-out and lets the person stay signed in.
const WARN_BEFORE = 120;
const dialog = document.getElementById("session-timeout");
const secondsLeft = Number(document.body.dataset.sessionSecondsLeft);

if (dialog && Number.isFinite(secondsLeft)) {
  const countdown = dialog.querySelector("[data-countdown]");
  const form = dialog.querySelector("form[data-session-extend]");
  let deadline = Date.now() + secondsLeft * 1000;
  let ticker = null;

  const describe = (seconds) =>
    seconds >= 60 ? `${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}` : `${seconds} seconds`;

  const tick = () => {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = describe(left);
    if (left === 0) window.location.reload(); // the server has signed the person out
  };

  const schedule = () => {
    clearInterval(ticker);
    const warnIn = Math.max(0, deadline - Date.now() - WARN_BEFORE * 1000);
    setTimeout(() => {
      if (Date.now() < deadline - WARN_BEFORE * 1000) return; // extended meanwhile
      tick();
      if (!dialog.open) dialog.showModal();
      ticker = setInterval(tick, 15000);
    }, warnIn);
  };

  const extend = (seconds) => {
    deadline = Date.now() + seconds * 1000;
    if (dialog.open) dialog.close();
    schedule();
  };

  // Activity the server counted without a page load (a person acting in a live room).
  document.addEventListener("session-extended", (event) => extend(event.detail));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return form.submit();
    const body = await response.json();
    extend(body.seconds_left);
  });

  schedule();
}
