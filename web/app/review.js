// Staff's side of an application: its eligibility report, the scorecards (blind until one's own is filed), internal notes and assignment.
import { html } from "./ui.js";

export function Review() {
  return html``;
}

