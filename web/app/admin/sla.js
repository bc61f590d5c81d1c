// The SLA: how many days staff have for an application in each status that waits on them (the
// queue's due dates come from these). Saved whole with the version read: if someone else saved
// in between, the API answers 412 and the screen shows theirs.
import { useState } from "../../vendor/hooks.mjs";
import { api } from "../api.js";
import { formatDateTime, t } from "../i18n.js";
import { Field, Form, Loading, Problem, html, useApi, useSubmit } from "../ui.js";
import { Said, isStale, numberOf } from "./parts.js";

// The statuses that wait on staff, in the order an application passes them.
const WAITING = ["submitted", "under_review", "shortlisted", "loi_signed"];

function SlaForm({ sla, onSaved }) {
  const [days, setDays] = useState(
    Object.fromEntries(WAITING.map((status) => [status, String(sla.days[status])])),
  );
  const { busy, error, run } = useSubmit();
  const save = () =>
    run(async () => {
      const body = { days: Object.fromEntries(WAITING.map((s) => [s, numberOf(days[s])])) };
      try {
        const saved = await api("PUT", "sla", { auth: true, body, ifMatch: sla.version });
        onSaved(saved, t("admin_sla_saved"));
      } catch (failure) {
        if (isStale(failure)) onSaved(null, t("admin_stale"));
        else throw failure;
      }
    });
  return html`<${Problem} error=${error} fields=${WAITING.map((s) => "days." + s)} />
    <${Form} onSubmit=${save} busy=${busy} submit=${t("admin_save")}>
      ${WAITING.map(
        (status) => html`<${Field} key=${status} name=${"days." + status} type="number"
          inputmode="numeric" min="1" max="365" label=${t("admin_sla_days", { status: t("status_" + status) })}
          hint=${t("admin_sla_hint_" + status)} value=${days[status]} error=${error}
          onInput=${(value) => setDays({ ...days, [status]: value })} />`,
      )}
    <//>`;
}

export function Sla() {
  const sla = useApi("sla");
  const [said, setSaid] = useState(null);
  const saved = (data, message) => {
    setSaid({ message, alert: !data });
    if (data) sla.replace(data);
    else sla.reload();
  };
  return html`<div class="admin-section narrow">
    <p>${t("admin_sla_intro")}</p>
    <${Said} said=${said} />
    <${Problem} error=${sla.error} />
    ${sla.loading && !sla.data && html`<${Loading} />`}
    ${sla.data &&
    html`<p class="meta">${t("admin_version", { version: sla.data.version, at: formatDateTime(sla.data.updated_at) })}</p>
      <${SlaForm} key=${sla.data.version} sla=${sla.data} onSaved=${saved} />`}
  </div>`;
}
