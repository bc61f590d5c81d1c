// The onboarding checklist from a signed letter to the store's opening: each side ticks its own tasks.
import { html } from "./ui.js";

export function Onboarding() {
  return html``;
}

