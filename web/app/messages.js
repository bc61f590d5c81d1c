// The thread between the dealer group and the city's staff on one application.
import { html } from "./ui.js";

export function Messages() {
  return html``;
}

