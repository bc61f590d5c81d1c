// The dealer group's profile: created once by its first owner, kept up to date by owners, with field-by-field errors.
import { html } from "./ui.js";

export function GroupProfile() {
  return html``;
}

export function GroupCard() {
  return html``;
}

