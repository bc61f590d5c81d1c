// Admins' screens: cities, eligibility criteria, staff, integrator clients, webhooks and SLA.
import { html } from "./ui.js";

export function Admin() {
  return html``;
}

