// The demo console: a fake conversation the user can edit, a draft box with
// the Rewrite widget, and a language switcher with sample conversations.
// Query parameters: ?lang=it picks the sample; ?slow=<ms> sets when the widget
// says "taking longer than usual" (tests use a short one).
import { attachRewrite } from "/web/rewrite-widget.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = { lang: "en", samples: {}, messages: [] };

function ui(key) {
  return state.samples[state.lang]?.ui?.[key] ?? state.samples.en?.ui?.[key] ?? key;
}

function renderMessages() {
  const list = $("messages");
  list.replaceChildren();
  state.messages.forEach((message, index) => {
    const who = message.role === "ROLE_CUSTOMER" ? "customer" : "agent";
    const item = document.createElement("li");
    item.className = `demo-message ${who}`;
    const label = document.createElement("div");
    label.className = "demo-who";
    const name = document.createElement("span");
    name.textContent = ui(who);
    name.id = `msg-${index}-who`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "demo-remove";
    remove.textContent = ui("remove");
    remove.setAttribute("aria-label", `${ui("remove")}: ${ui(who)} ${index + 1}`);
    remove.addEventListener("click", () => { state.messages.splice(index, 1); renderMessages(); });
    label.append(name, remove);
    const text = document.createElement("textarea");
    text.rows = 2;
    text.value = message.text;
    text.setAttribute("aria-labelledby", name.id);
    text.addEventListener("input", () => { message.text = text.value; });
    item.append(label, text);
    list.append(item);
  });
}

function relabel() {
  document.documentElement.lang = state.lang;
  const labels = { "demo-title": "title", "lang-label": "language", "chat-title": "conversation", "chat-hint": "hint",
    "customer-label": "customerName", "draft-label": "draft", "add-customer": "addCustomer", "add-agent": "addAgent",
    "demo-footer": "footer" };
  for (const [id, key] of Object.entries(labels)) $(id).textContent = ui(key);
  document.title = ui("title");
}

function loadSample(lang, widget) {
  state.lang = state.samples[lang] ? lang : "en";
  const sample = state.samples[state.lang];
  state.messages = sample.conversation.map((m) => ({ ...m }));
  $("lang").value = state.lang;
  $("customer-name").value = sample.customerName;
  $("draft").value = sample.draft;
  relabel();
  renderMessages();
  widget.setLanguage(state.lang);
  widget.syncHighlights();
}

async function main() {
  const response = await fetch("/web/samples.json");
  state.samples = await response.json();
  const slow = Number(params.get("slow"));
  const widget = attachRewrite($("draft"), {
    language: () => state.lang,
    getConversation: () => state.messages,
    customerName: () => $("customer-name").value,
    ...(slow > 0 ? { slowAfterMs: slow } : {}),
  });
  window.rewriteWidget = widget; // for poking at it from the devtools console
  $("lang").addEventListener("change", (e) => loadSample(e.target.value, widget));
  $("add-customer").addEventListener("click", () => { state.messages.push({ role: "ROLE_CUSTOMER", text: "" }); renderMessages(); });
  $("add-agent").addEventListener("click", () => { state.messages.push({ role: "ROLE_AGENT", text: "" }); renderMessages(); });
  loadSample(params.get("lang") || "en", widget);
  document.body.dataset.ready = "true";
}

main();
