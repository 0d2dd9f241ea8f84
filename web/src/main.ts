// The console: sign-in, then the approvals inbox, the records browser and exports, one view at a
// time by the URL's hash (never carrying the token).
import { h, clear, field, status } from "./dom";
import { session, describe } from "./api";
import { token, signIn, signOut, setPrincipal } from "./session";
import { approvalsView } from "./approvals";
import { recordsView } from "./records";
import { exportView } from "./exporter";
import type { WhoAmIResponse } from "@attio-facade/client/gen/attio/v1/session_service_pb.js";

let me: WhoAmIResponse | undefined;
let stop: (() => void) | undefined;

function signInView(main: HTMLElement, message = ""): void {
  const input = h("input", { type: "password", autocomplete: "off", spellcheck: "false", required: true });
  const st = status();
  st.textContent = message;
  const form = h("form", { "aria-labelledby": "signin-title" },
    h("h2", { id: "signin-title" }, "Sign in"),
    h("p", {}, "Paste your bearer token. It is kept in this tab's session storage only."),
    field("Bearer token", input),
    h("button", { type: "submit" }, "Sign in"),
    st);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    signIn(input.value);
    await start();
  });
  append(main, form);
  input.focus();
}

function append(main: HTMLElement, el: HTMLElement): void {
  clear(main);
  main.appendChild(el);
}

function showWho(w: WhoAmIResponse | undefined): void {
  const who = document.getElementById("who")!;
  clear(who);
  document.getElementById("nav")!.hidden = !w;
  if (!w) return;
  const out = h("button", { type: "button", class: "link" }, "Sign out");
  out.addEventListener("click", () => {
    signOut();
    me = undefined;
    setPrincipal(undefined);
    location.hash = "";
    void start();
  });
  who.append(
    h("span", { id: "principal" }, w.principal),
    " ",
    h("span", { id: "scopes", "aria-label": "scopes" }, w.scopes.join(", ")),
    " ",
    out);
}

function route(): void {
  const main = document.getElementById("main")!;
  stop?.();
  stop = undefined;
  clear(main);
  if (!me) return;
  const view = location.hash.replace(/^#\//, "") || "approvals";
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#nav a")) {
    if (a.getAttribute("href") === `#/${view}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (view === "records") stop = recordsView(main);
  else if (view === "export") stop = exportView(main);
  else stop = approvalsView(main, me);
}

async function start(): Promise<void> {
  const main = document.getElementById("main")!;
  if (!token()) {
    showWho(undefined);
    signInView(main);
    return;
  }
  try {
    me = await session.whoAmI({});
    setPrincipal(me);
  } catch (err) {
    signOut();
    showWho(undefined);
    signInView(main, `Sign-in failed: ${describe(err)}`);
    return;
  }
  showWho(me);
  route();
}

window.addEventListener("hashchange", route);
void start();
