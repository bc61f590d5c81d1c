// One's own account: name, language and, for staff, the daily digest.
import { html } from "./ui.js";

export function Settings() {
  return html``;
}

