// The letter of intent: offered by an admin, read by the group as the document itself with its hash, signed in the page, printable.
import { html } from "./ui.js";

export function Letter() {
  return html``;
}

export function LetterPage() {
  return html``;
}

