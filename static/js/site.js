// Starts the NHS.UK frontend components (header menu, error summary focus, ...).
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
