// Pre-fills the group form with the chosen format's usual settings. Fields the
// facilitator has changed are left alone; without this script, blank fields
// take the same defaults on the server.
const form = document.querySelector('[data-module="app-format-defaults"]');
const source = document.getElementById("format-defaults");

function endTime(start, minutes) {
  const [h, m] = start.split(":").map(Number);
  const total = h * 60 + m + minutes;
  if (Number.isNaN(total) || total >= 24 * 60) return "";
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

function setRadio(name, value, previous) {
  const radios = [...form.querySelectorAll(`input[name="${name}"]`)];
  const checked = radios.find((r) => r.checked);
  if (checked && checked.value !== previous) return;
  radios.forEach((r) => { r.checked = r.value === value; });
}

if (form && source) {
  const defaults = JSON.parse(source.textContent);
  const format = form.querySelector('select[name="format"]');
  const capacity = form.querySelector('input[name="capacity"]');
  const start = form.querySelector('input[name="start_time"]');
  const end = form.querySelector('input[name="end_time"]');
  let previous = defaults[format.value] || null;

  const apply = () => {
    const chosen = defaults[format.value];
    if (!chosen) return;
    if (capacity && (!capacity.value || (previous && Number(capacity.value) === previous.capacity))) {
      capacity.value = chosen.capacity;
    }
    setRadio("membership", chosen.membership, previous && previous.membership);
    setRadio("frequency", chosen.frequency, previous && previous.frequency);
    if (start && end && start.value) {
      const before = previous ? endTime(start.value, previous.minutes) : "";
      if (!end.value || end.value === before) end.value = endTime(start.value, chosen.minutes);
    }
    previous = chosen;
  };

  if (!format.disabled) format.addEventListener("change", apply);
  if (start && end) {
    start.addEventListener("change", () => {
      const chosen = defaults[format.value];
      if (chosen && start.value && !end.value) end.value = endTime(start.value, chosen.minutes);
    });
  }
}
