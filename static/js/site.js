// Starts the NHS.UK frontend components (header menu, error summary focus, ...).
// The design system expects these body classes from an inline script; a
// module sets them instead, so the Content Security Policy needs no inline code.
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
