// The dealer group's members and invitations, managed by its owners.
import { html } from "./ui.js";

export function Members() {
  return html``;
}

