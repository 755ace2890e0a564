// The "Rewrite" button for any textarea. Plain ES module, no framework, no build step.
//
//   import { attachRewrite } from "/web/rewrite-widget.js";
//   const widget = attachRewrite(textarea, { getConversation: () => [...], language: "en" });
//
// It talks to the reply-rewriter HTTP/JSON gateway (protobuf JSON mapping):
// POST /v1/rewrite, /v1/check, /v1/feedback. Every piece of service or user
// text is inserted with textContent (never innerHTML), and the draft is never
// changed except by the agent pressing Accept all, Apply my choices or Use edited:
// any error leaves it exactly as typed. The rewrite is shown as the response's
// edits over the draft (struck-through deletions, marked insertions, the rules
// on hover and on focus), each kept or rejected on its own; after a partial
// accept, Verify and Check say what the result still gets wrong.

const STRINGS = {
  en: {
    acceptAll: "Accept all", keepEdit: "Keep change", rejectEdit: "Reject change", applyChoices: "Apply my choices",
    changeN: "Change {i} of {n}", kept: "kept", rejected: "rejected", noRule: "A wording change no rule asks for",
    applied: "Applied {k} of {n} changes.", stillWrong: "Still to fix after your choices", allFixed: "Nothing left to fix.",
    notHonest: "Not the draft's meaning any more", checking: "Checking the result…",
    editedDishonest: "Check your edit against the original draft: {d}",
    rewrite: "Rewrite", rewriting: "Rewriting…", slow: "This is taking longer than usual. Your draft is safe; you can keep typing.",
    cancel: "Cancel", cancelled: "Rewrite cancelled. Your draft is unchanged.",
    panelTitle: "Suggested rewrite", accept: "Accept", edit: "Edit", dismiss: "Dismiss", useEdited: "Use edited",
    changes: "Changes", citations: "Rules applied", kept: "Facts kept", remaining: "Still to fix",
    source: "Source", noChanges: "No changes needed.", accepted: "Draft replaced with the rewrite.", undo: "Undo",
    undone: "Your draft is back.", dismissed: "Rewrite dismissed. Your draft is unchanged.",
    edited: "Draft replaced with your edited rewrite.", ready: "Rewrite ready. Review it, then accept, edit or dismiss.",
    empty: "Type a draft first.", down: "The rewrite service can't be reached. Your draft is unchanged; try again in a moment.",
    unavailable: "The rewrite service is unavailable right now. Your draft is unchanged; try again in a moment.",
    timeout: "The rewrite service took too long to answer. Your draft is unchanged; try again.",
    busy: "The rewrite service is busy. Your draft is unchanged; try again in {s} s.",
    auth: "You are not signed in to the rewrite service. Your draft is unchanged.",
    invalid: "The rewrite service refused the draft: {m}", failed: "The rewrite failed. Your draft is unchanged.",
    problems: "{n} possible problems in the draft", oneProblem: "1 possible problem in the draft", noProblems: "",
    changedSince: "The draft changed after you asked; Accept replaces your newer text.",
    fallback: "Rule-based rewrite", model: "Model", editLabel: "Edit the rewrite", inserted: "added", deleted: "removed",
  },
  it: {
    acceptAll: "Accetta tutto", keepEdit: "Mantieni la modifica", rejectEdit: "Rifiuta la modifica", applyChoices: "Applica le mie scelte",
    changeN: "Modifica {i} di {n}", kept: "mantenuta", rejected: "rifiutata", noRule: "Una modifica di forma che nessuna regola chiede",
    applied: "Applicate {k} modifiche su {n}.", stillWrong: "Da correggere dopo le tue scelte", allFixed: "Non resta niente da correggere.",
    notHonest: "Non dice più ciò che diceva la bozza", checking: "Controllo del risultato…",
    editedDishonest: "Controlla la modifica rispetto alla bozza originale: {d}",
    rewrite: "Riscrivi", rewriting: "Riscrittura in corso…", slow: "Ci vuole più tempo del solito. La tua bozza è al sicuro; puoi continuare a scrivere.",
    cancel: "Annulla", cancelled: "Riscrittura annullata. La bozza non è cambiata.",
    panelTitle: "Riscrittura suggerita", accept: "Accetta", edit: "Modifica", dismiss: "Ignora", useEdited: "Usa la modifica",
    changes: "Modifiche", citations: "Regole applicate", kept: "Fatti mantenuti", remaining: "Da correggere",
    source: "Fonte", noChanges: "Nessuna modifica necessaria.", accepted: "Bozza sostituita con la riscrittura.", undo: "Annulla",
    undone: "La tua bozza è tornata.", dismissed: "Riscrittura ignorata. La bozza non è cambiata.",
    edited: "Bozza sostituita con la tua versione modificata.", ready: "Riscrittura pronta. Controllala, poi accetta, modifica o ignora.",
    empty: "Scrivi prima una bozza.", down: "Il servizio di riscrittura non è raggiungibile. La bozza non è cambiata; riprova tra poco.",
    unavailable: "Il servizio di riscrittura non è disponibile. La bozza non è cambiata; riprova tra poco.",
    timeout: "Il servizio di riscrittura ha impiegato troppo tempo. La bozza non è cambiata; riprova.",
    busy: "Il servizio di riscrittura è occupato. La bozza non è cambiata; riprova tra {s} s.",
    auth: "Non hai accesso al servizio di riscrittura. La bozza non è cambiata.",
    invalid: "Il servizio ha rifiutato la bozza: {m}", failed: "La riscrittura non è riuscita. La bozza non è cambiata.",
    problems: "{n} possibili problemi nella bozza", oneProblem: "1 possibile problema nella bozza", noProblems: "",
    changedSince: "La bozza è cambiata dopo la richiesta; Accetta sostituisce il testo più recente.",
    fallback: "Riscrittura basata su regole", model: "Modello", editLabel: "Modifica la riscrittura", inserted: "aggiunto", deleted: "rimosso",
  },
  es: {
    acceptAll: "Aceptar todo", keepEdit: "Mantener el cambio", rejectEdit: "Rechazar el cambio", applyChoices: "Aplicar mis elecciones",
    changeN: "Cambio {i} de {n}", kept: "mantenido", rejected: "rechazado", noRule: "Un cambio de redacción que ninguna regla pide",
    applied: "Aplicados {k} de {n} cambios.", stillWrong: "Por corregir tras tus elecciones", allFixed: "No queda nada por corregir.",
    notHonest: "Ya no dice lo que decía el borrador", checking: "Comprobando el resultado…",
    editedDishonest: "Revisa tu edición frente al borrador original: {d}",
    rewrite: "Reescribir", rewriting: "Reescribiendo…", slow: "Está tardando más de lo habitual. Tu borrador está a salvo; puedes seguir escribiendo.",
    cancel: "Cancelar", cancelled: "Reescritura cancelada. Tu borrador no ha cambiado.",
    panelTitle: "Reescritura sugerida", accept: "Aceptar", edit: "Editar", dismiss: "Descartar", useEdited: "Usar la edición",
    changes: "Cambios", citations: "Reglas aplicadas", kept: "Datos conservados", remaining: "Por corregir",
    source: "Fuente", noChanges: "No hace falta ningún cambio.", accepted: "Borrador sustituido por la reescritura.", undo: "Deshacer",
    undone: "Tu borrador ha vuelto.", dismissed: "Reescritura descartada. Tu borrador no ha cambiado.",
    edited: "Borrador sustituido por tu versión editada.", ready: "Reescritura lista. Revísala y acéptala, edítala o descártala.",
    empty: "Escribe primero un borrador.", down: "No se puede contactar con el servicio de reescritura. Tu borrador no ha cambiado; inténtalo de nuevo en un momento.",
    unavailable: "El servicio de reescritura no está disponible ahora. Tu borrador no ha cambiado; inténtalo de nuevo en un momento.",
    timeout: "El servicio de reescritura tardó demasiado. Tu borrador no ha cambiado; inténtalo de nuevo.",
    busy: "El servicio de reescritura está ocupado. Tu borrador no ha cambiado; inténtalo de nuevo en {s} s.",
    auth: "No tienes acceso al servicio de reescritura. Tu borrador no ha cambiado.",
    invalid: "El servicio rechazó el borrador: {m}", failed: "La reescritura falló. Tu borrador no ha cambiado.",
    problems: "{n} posibles problemas en el borrador", oneProblem: "1 posible problema en el borrador", noProblems: "",
    changedSince: "El borrador cambió después de la solicitud; Aceptar sustituye tu texto más reciente.",
    fallback: "Reescritura basada en reglas", model: "Modelo", editLabel: "Edita la reescritura", inserted: "añadido", deleted: "eliminado",
  },
  zh: {
    acceptAll: "全部采用", keepEdit: "保留此修改", rejectEdit: "拒绝此修改", applyChoices: "应用我的选择",
    changeN: "第 {i} 处修改，共 {n} 处", kept: "已保留", rejected: "已拒绝", noRule: "没有规则要求的措辞修改",
    applied: "已应用 {n} 处修改中的 {k} 处。", stillWrong: "按您的选择后仍需修改", allFixed: "没有需要修改的了。",
    notHonest: "已不再是草稿的原意", checking: "正在检查结果…",
    editedDishonest: "请对照原始草稿检查您的修改：{d}",
    rewrite: "改写", rewriting: "正在改写…", slow: "比平时慢一些。您的草稿是安全的，可以继续输入。",
    cancel: "取消", cancelled: "已取消改写。草稿未改变。",
    panelTitle: "建议的改写", accept: "采用", edit: "编辑", dismiss: "忽略", useEdited: "使用编辑后的版本",
    changes: "修改", citations: "应用的规则", kept: "保留的事实", remaining: "仍需修改",
    source: "来源", noChanges: "无需修改。", accepted: "草稿已替换为改写。", undo: "撤销",
    undone: "已恢复您的草稿。", dismissed: "已忽略改写。草稿未改变。",
    edited: "草稿已替换为您编辑后的改写。", ready: "改写已完成。请检查后采用、编辑或忽略。",
    empty: "请先输入草稿。", down: "无法连接改写服务。草稿未改变，请稍后重试。",
    unavailable: "改写服务暂时不可用。草稿未改变，请稍后重试。",
    timeout: "改写服务响应超时。草稿未改变，请重试。",
    busy: "改写服务繁忙。草稿未改变，请 {s} 秒后重试。",
    auth: "您没有改写服务的访问权限。草稿未改变。",
    invalid: "改写服务拒绝了草稿：{m}", failed: "改写失败。草稿未改变。",
    problems: "草稿中有 {n} 个可能的问题", oneProblem: "草稿中有 1 个可能的问题", noProblems: "",
    changedSince: "请求后草稿已更改；“采用”会替换您较新的文本。",
    fallback: "基于规则的改写", model: "模型", editLabel: "编辑改写", inserted: "新增", deleted: "删除",
  },
};

const DEFAULTS = {
  endpoint: "",            // gateway base URL; "" = the page's origin
  language: "",            // BCP-47 tag sent to the service; "" = detected
  uiLanguage: "",          // labels' language; "" = language, else <html lang>, else en
  getConversation: () => [],
  customerName: "", agentName: "", brandName: "", tone: "",
  token: "",               // bearer token (string or function), when the gateway needs one
  slowAfterMs: 4000,       // show "taking longer than usual" after this
  timeoutMs: 30000,        // give up (the draft stays) after this
  checkDelayMs: 700,       // Check runs after this pause in typing
  check: true,
};

const value = (v) => (typeof v === "function" ? v() : v);

/** The draft with the given edits applied (a Rewrite's edits are sorted and
 * separated, so any subset applies on its own). Spans count code points. */
export function applyEdits(draft, edits) {
  const at = codePointIndex(draft);
  let out = "", pos = 0;
  for (const e of edits) {
    const start = at(e.span?.start || 0), end = at(e.span?.end || 0);
    out += draft.slice(pos, start) + (e.text || "");
    pos = end;
  }
  return out + draft.slice(pos);
}

/** Code-point offsets (the API's) to UTF-16 indexes (JavaScript's). */
export function codePointIndex(text) {
  const index = [0];
  let u = 0;
  for (const ch of text) { u += ch.length; index.push(u); }
  return (cp) => index[Math.min(Math.max(cp, 0), index.length - 1)];
}

class ServiceError extends Error {
  constructor(kind, message, retryAfter) { super(message); this.kind = kind; this.retryAfter = retryAfter; }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

let instances = 0;

export class RewriteWidget {
  constructor(textarea, options = {}) {
    if (!(textarea instanceof HTMLTextAreaElement)) throw new TypeError("attachRewrite needs a <textarea>");
    this.textarea = textarea;
    this.options = { ...DEFAULTS, ...options };
    this.id = `rw${++instances}`;
    this.result = null;
    this.sentDraft = "";
    this.undoValue = null;
    this.rewriteAbort = null;
    this.checkAbort = null;
    this.checkTimer = 0;
    this.violations = [];
    this.decisions = [];     // per edit of the result: true kept, false rejected, undefined undecided
    this.ruleTitles = null;  // rule id -> title, from GET /v1/rules, fetched once
    this.build();
  }

  // -- strings -----------------------------------------------------------------
  get lang() {
    const tag = value(this.options.uiLanguage) || value(this.options.language) || document.documentElement.lang || "en";
    const base = tag.toLowerCase().split(/[-_]/)[0];
    return STRINGS[base] ? base : "en";
  }

  t(key, vars = {}) {
    const s = STRINGS[this.lang][key] ?? STRINGS.en[key];
    return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
  }

  setLanguage(language) {
    this.options.language = language;
    this.relabel();
    this.scheduleCheck(0);
  }

  // -- DOM ---------------------------------------------------------------------
  build() {
    const ta = this.textarea;
    this.root = el("div", { class: "rw-root" });
    ta.parentNode.insertBefore(this.root, ta);
    this.editorBox = el("div", { class: "rw-editor" });
    this.backdrop = el("div", { class: "rw-backdrop", "aria-hidden": "true" });
    this.highlights = el("div", { class: "rw-highlights" });
    this.backdrop.append(this.highlights);
    this.editorBox.append(this.backdrop, ta);
    ta.classList.add("rw-textarea");

    this.button = el("button", { type: "button", class: "rw-button rw-primary", onclick: () => this.rewrite() });
    this.cancelButton = el("button", { type: "button", class: "rw-button", hidden: "", onclick: () => this.cancel() });
    this.status = el("div", { class: "rw-status", role: "status", "aria-live": "polite", id: `${this.id}-status` });
    this.undoButton = el("button", { type: "button", class: "rw-button rw-link", hidden: "", onclick: () => this.undo() });
    this.problemSummary = el("div", { class: "rw-problems", id: `${this.id}-problems` });
    this.problemList = el("ul", { class: "rw-problem-list" });
    this.followup = el("div", { class: "rw-followup", role: "status", "aria-live": "polite", hidden: "" });
    this.tooltip = el("div", { class: "rw-tooltip", role: "tooltip", hidden: "" });
    const toolbar = el("div", { class: "rw-toolbar" }, this.button, this.cancelButton, this.status, this.undoButton);
    const left = el("div", { class: "rw-left" }, this.editorBox, toolbar, this.problemSummary, this.followup);
    this.panel = el("section", { class: "rw-panel", hidden: "", "aria-labelledby": `${this.id}-title`, tabindex: "-1" });
    this.root.append(left, this.panel, this.tooltip);
    ta.setAttribute("aria-describedby", `${this.id}-problems ${this.id}-status`);

    this.onInput = () => { this.syncHighlights(); this.scheduleCheck(); if (this.result) this.markStale(); };
    this.onScroll = () => { this.backdrop.scrollTop = ta.scrollTop; this.backdrop.scrollLeft = ta.scrollLeft; };
    this.onMove = (e) => this.hover(e);
    this.onKey = (e) => { if (e.key === "Escape" && !this.panel.hidden) { e.preventDefault(); this.dismiss(); } };
    ta.addEventListener("input", this.onInput);
    ta.addEventListener("scroll", this.onScroll);
    ta.addEventListener("mousemove", this.onMove);
    ta.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
    this.root.addEventListener("keydown", this.onKey);
    this.resizeObserver = new ResizeObserver(() => this.copyStyles());
    this.resizeObserver.observe(ta);
    this.relabel();
    this.copyStyles();
    this.scheduleCheck(0);
  }

  relabel() {
    this.button.textContent = this.t("rewrite");
    this.cancelButton.textContent = this.t("cancel");
    this.undoButton.textContent = this.t("undo");
    this.root.lang = this.lang;
    if (this.result) this.renderPanel();
    this.renderProblems();
  }

  copyStyles() {
    // The backdrop must lay text out exactly like the textarea so the marks sit under the words.
    const cs = getComputedStyle(this.textarea);
    for (const p of ["fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "paddingTop",
      "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth", "borderBottomWidth",
      "borderLeftWidth", "boxSizing", "textAlign", "wordSpacing", "tabSize"]) {
      this.backdrop.style[p] = cs[p];
    }
    this.backdrop.style.width = `${this.textarea.offsetWidth}px`;
    this.backdrop.style.height = `${this.textarea.offsetHeight}px`;
    this.onScroll?.();
  }

  say(message, { undo = false } = {}) {
    this.status.textContent = message;
    this.undoButton.hidden = !undo;
  }

  // -- Rewrite -----------------------------------------------------------------
  async rewrite() {
    const draft = this.textarea.value;
    if (this.rewriteAbort) return; // one at a time; the button stays focusable while busy
    if (!draft.trim()) { this.say(this.t("empty")); this.textarea.focus(); return; }
    const abort = new AbortController();
    this.rewriteAbort = abort;
    this.sentDraft = draft;
    this.button.setAttribute("aria-disabled", "true");
    this.button.setAttribute("aria-busy", "true");
    this.cancelButton.hidden = false;
    this.root.classList.add("rw-busy");
    this.say(this.t("rewriting"));
    const slowTimer = setTimeout(() => { this.root.classList.add("rw-slow"); this.say(this.t("slow")); }, this.options.slowAfterMs);
    try {
      const body = {
        draft,
        conversation: this.conversation(),
        customerName: value(this.options.customerName) || "",
        agentName: value(this.options.agentName) || "",
        brandName: value(this.options.brandName) || "",
        language: value(this.options.language) || "",
      };
      const tone = value(this.options.tone);
      if (tone) body.tone = tone;
      const result = await this.post("/v1/rewrite", body, abort, this.options.timeoutMs);
      if (this.rewriteAbort !== abort) return;
      this.result = result;
      this.renderPanel();
      this.panel.hidden = false;
      this.root.classList.add("rw-open");
      this.say(this.t("ready"));
      this.panel.focus();
    } catch (err) {
      if (this.rewriteAbort !== abort && err.kind === "cancelled") return;
      this.say(this.describe(err));
    } finally {
      clearTimeout(slowTimer);
      if (this.rewriteAbort === abort) {
        this.rewriteAbort = null;
        this.button.removeAttribute("aria-disabled");
        this.button.removeAttribute("aria-busy");
        this.cancelButton.hidden = true;
        this.root.classList.remove("rw-busy", "rw-slow");
      }
    }
  }

  cancel(silent = false) {
    if (!this.rewriteAbort) return;
    this.rewriteAbort.abort(new ServiceError("cancelled", "cancelled"));
    this.rewriteAbort = null;
    this.button.removeAttribute("aria-disabled");
    this.button.removeAttribute("aria-busy");
    this.cancelButton.hidden = true;
    this.root.classList.remove("rw-busy", "rw-slow");
    if (!silent) { this.say(this.t("cancelled")); this.textarea.focus(); }
  }

  describe(err) {
    switch (err.kind) {
      case "network": return this.t("down");
      case "unavailable": return this.t("unavailable");
      case "timeout": return this.t("timeout");
      case "busy": return this.t("busy", { s: err.retryAfter || 1 });
      case "auth": return this.t("auth");
      case "invalid": return this.t("invalid", { m: err.message });
      case "cancelled": return this.t("cancelled");
      default: return this.t("failed");
    }
  }

  conversation() {
    const messages = value(this.options.getConversation) || [];
    return messages.filter((m) => m && typeof m.text === "string" && m.text.trim())
      .map((m) => ({ role: m.role || "ROLE_UNSPECIFIED", text: m.text }));
  }

  async post(path, body, abort, timeoutMs, method = "POST") {
    const headers = { "Content-Type": "application/json", "X-Request-Id": crypto.randomUUID?.() || String(Date.now()) };
    const token = value(this.options.token);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (timeoutMs) headers["grpc-timeout"] = `${Math.max(1, Math.round(timeoutMs))}m`;
    let timer = 0;
    if (timeoutMs) timer = setTimeout(() => abort.abort(new ServiceError("timeout", "timeout")), timeoutMs + 1000);
    let response;
    try {
      response = await fetch(`${value(this.options.endpoint) || ""}${path}`, {
        method, headers, body: method === "POST" ? JSON.stringify(body) : undefined, signal: abort.signal,
        credentials: "same-origin",
      });
    } catch (err) {
      const reason = abort.signal.reason;
      if (reason instanceof ServiceError) throw reason;
      throw new ServiceError("network", String(err));
    } finally {
      clearTimeout(timer);
    }
    let payload = null;
    try { payload = await response.json(); } catch { payload = null; }
    if (response.ok && payload) return payload;
    const message = (payload && typeof payload.message === "string") ? payload.message : `HTTP ${response.status}`;
    const kind = { 400: "invalid", 401: "auth", 403: "auth", 413: "invalid", 415: "invalid", 429: "busy",
      502: "unavailable", 503: "unavailable", 504: "timeout" }[response.status] || (response.ok ? "failed" : "failed");
    throw new ServiceError(kind, message, Number(response.headers.get("Retry-After")) || 0);
  }

  // -- the panel ---------------------------------------------------------------
  renderPanel() {
    const r = this.result;
    const citations = r.citations || [], remaining = r.remaining || [], kept = r.keptFacts || [];
    const title = el("h3", { id: `${this.id}-title`, class: "rw-title", text: this.t("panelTitle") });
    const diff = this.renderEdits(r);
    const section = (heading, items, cls) => items.length
      ? el("div", { class: `rw-section ${cls}` }, el("h4", { text: heading }), el("ul", {}, ...items)) : null;
    // One entry per rule (a rule broken twice is cited once, with both excerpts).
    const byRule = new Map();
    for (const c of citations) {
      const entry = byRule.get(c.ruleId) || { ...c, excerpts: [] };
      if (c.excerpt && !entry.excerpts.includes(c.excerpt)) entry.excerpts.push(c.excerpt);
      byRule.set(c.ruleId, entry);
    }
    const citationItems = [...byRule.values()].map((c) => el("li", { class: "rw-citation", "data-rule": c.ruleId },
      el("strong", { text: c.title || c.ruleId }), " ", el("code", { text: c.ruleId }),
      ...c.excerpts.map((x) => el("q", { text: x.trim() })),
      el("p", { text: c.message || "" }),
      c.source ? el("p", { class: "rw-source", text: `${this.t("source")}: ${c.source}` }) : null));
    const keptItems = kept.map((f) => el("li", { text: f }));
    const remainingItems = remaining.map((v) => el("li", { class: `rw-sev-${v.severity || "warning"}` },
      el("code", { text: v.ruleId }), " ", el("span", { text: v.message || "" }),
      v.excerpt ? el("q", { text: v.excerpt }) : null));
    const backend = r.backend || {};
    const meta = el("p", { class: "rw-meta", text: backend.fallbackUsed
      ? `${this.t("fallback")}${backend.reason ? ` (${backend.reason})` : ""}` : `${this.t("model")}: ${backend.model || ""}` });
    this.stale = el("p", { class: "rw-stale", hidden: "", text: this.t("changedSince") });
    this.editor = el("textarea", { class: "rw-edit", hidden: "", "aria-label": this.t("editLabel"), rows: "4" });
    this.editor.value = r.rewrite || "";
    this.acceptButton = el("button", { type: "button", class: "rw-button rw-primary", onclick: () => this.accept(),
      text: this.t("acceptAll") });
    this.applyButton = el("button", { type: "button", class: "rw-button", onclick: () => this.applyChoices(),
      text: this.t("applyChoices"), hidden: "" });
    this.editButton = el("button", { type: "button", class: "rw-button", onclick: () => this.edit(), text: this.t("edit") });
    this.useEditedButton = el("button", { type: "button", class: "rw-button rw-primary", hidden: "",
      onclick: () => this.useEdited(), text: this.t("useEdited") });
    const dismissButton = el("button", { type: "button", class: "rw-button", onclick: () => this.dismiss(),
      text: this.t("dismiss") });
    const actions = el("div", { class: "rw-actions" }, this.acceptButton, this.applyButton, this.editButton,
      this.useEditedButton, dismissButton);
    this.panel.replaceChildren(...[title, diff, this.editor, this.stale, actions,
      section(this.t("citations"), citationItems, "rw-citations"),
      section(this.t("kept"), keptItems, "rw-kept"),
      section(this.t("remaining"), remainingItems, "rw-remaining"), meta].filter(Boolean));
    if (this.textarea.value !== this.sentDraft) this.markStale();
  }

  markStale() { if (this.stale) this.stale.hidden = this.textarea.value === this.sentDraft; }

  // -- the edits: one suggestion per change, kept or rejected one by one ------------
  edits() {
    const r = this.result;
    if (!r) return [];
    if (r.edits?.length || r.rewrite === this.sentDraft) return r.edits || [];
    // An older server without edits: the whole text is one change.
    return [{ span: { start: 0, end: [...this.sentDraft].length }, text: r.rewrite || "", ruleIds: [] }];
  }

  renderEdits() {
    const draft = this.sentDraft, edits = this.edits(), at = codePointIndex(draft);
    const diff = el("div", { class: "rw-diff", role: "group", "aria-label": this.t("changes") });
    this.changeNodes = [];
    let pos = 0;
    edits.forEach((edit, i) => {
      const start = at(edit.span?.start || 0), end = at(edit.span?.end || 0);
      if (start > pos) diff.append(document.createTextNode(draft.slice(pos, start)));
      const rulesId = `${this.id}-edit-${i}-rules`;
      const keep = el("button", { type: "button", class: "rw-button rw-mini rw-keep", "aria-pressed": "false",
        "aria-label": this.t("keepEdit"), "aria-describedby": rulesId, text: "✓", onclick: () => this.decide(i, true) });
      const reject = el("button", { type: "button", class: "rw-button rw-mini rw-reject", "aria-pressed": "false",
        "aria-label": this.t("rejectEdit"), "aria-describedby": rulesId, text: "✗", onclick: () => this.decide(i, false) });
      const change = el("span", { class: "rw-change", role: "group", "data-index": String(i),
        "data-rules": (edit.ruleIds || []).join(" "), "aria-label": this.t("changeN", { i: i + 1, n: edits.length }) },
      draft.slice(start, end) ? el("del", { text: draft.slice(start, end), title: this.t("deleted") }) : null,
      edit.text ? el("ins", { text: edit.text, title: this.t("inserted") }) : null,
      el("span", { class: "rw-hidden", id: rulesId, text: this.ruleText(edit) }),
      el("span", { class: "rw-change-actions" }, keep, reject));
      change.addEventListener("mouseenter", () => this.showEditTip(change, edit));
      change.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
      change.addEventListener("focusin", () => this.showEditTip(change, edit));
      change.addEventListener("focusout", () => { this.tooltip.hidden = true; });
      this.changeNodes.push(change);
      diff.append(change);
      pos = end;
    });
    if (pos < draft.length) diff.append(document.createTextNode(draft.slice(pos)));
    if (!edits.length) diff.append(el("span", { class: "rw-meta", text: ` (${this.t("noChanges")})` }));
    this.decisions = edits.map(() => undefined);
    if (!this.ruleTitles) this.loadRuleTitles();
    return diff;
  }

  ruleText(edit) {
    const ids = edit.ruleIds || [];
    if (!ids.length) return this.t("noRule");
    const cited = new Map((this.result?.citations || []).map((c) => [c.ruleId, c.title]));
    return ids.map((id) => `${this.ruleTitles?.get(id) || cited.get(id) || id} (${id})`).join("; ");
  }

  async loadRuleTitles() {
    try {
      const rules = await this.post("/v1/rules", null, new AbortController(), 5000, "GET");
      this.ruleTitles = new Map((rules.rules || []).map((r) => [r.id, r.title]));
      (this.changeNodes || []).forEach((node, i) => {
        const hidden = node.querySelector(".rw-hidden");
        if (hidden) hidden.textContent = this.ruleText(this.edits()[i] || {});
      });
    } catch {
      // Titles are a nicety: the ids (and the cited titles) still show.
    }
  }

  showEditTip(node, edit) {
    this.tooltip.replaceChildren(...(edit.ruleIds?.length ? edit.ruleIds : [""]).map((id) => el("div", {},
      id ? el("code", { text: id }) : null, id ? " " : null,
      el("span", { text: id ? (this.ruleTitles?.get(id) || (this.result?.citations || []).find((c) => c.ruleId === id)?.title || "")
        : this.t("noRule") }))));
    const box = node.getBoundingClientRect(), rootBox = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${box.left - rootBox.left}px`;
    this.tooltip.style.top = `${box.bottom - rootBox.top + 4}px`;
    this.tooltip.hidden = false;
  }

  decide(index, keep) {
    this.decisions[index] = keep;
    const node = this.changeNodes[index];
    node.classList.toggle("rw-kept", keep);
    node.classList.toggle("rw-rejected", !keep);
    node.querySelector(".rw-keep").setAttribute("aria-pressed", String(keep));
    node.querySelector(".rw-reject").setAttribute("aria-pressed", String(!keep));
    this.applyButton.hidden = false;
  }

  /** The draft with exactly the kept edits; the rest count as rejected. */
  applyChoices() {
    const edits = this.edits();
    const kept = edits.filter((_, i) => this.decisions[i] === true);
    if (kept.length === edits.length) { this.accept(); return; }
    const draft = this.sentDraft, ruleIds = this.ruleIds();
    const text = applyEdits(draft, kept);
    const decisions = this.editDecisions(edits, (i) => this.decisions[i] === true);
    this.replaceDraft(text, this.t("applied", { k: kept.length, n: edits.length }));
    this.feedback(kept.length ? "OUTCOME_EDITED" : "OUTCOME_DISMISSED", ruleIds, decisions);
    if (kept.length) this.followUp(draft, text);
  }

  editDecisions(edits, accepted) {
    return edits.map((e, i) => ({ ruleIds: e.ruleIds || [], accepted: accepted(i) }));
  }

  async followUp(draft, text) {
    // Part of a verified rewrite is not itself verified: say what the result still breaks,
    // and whether it still means what the draft meant. Advice only; the text stays.
    this.followup.hidden = false;
    this.followup.replaceChildren(el("p", { class: "rw-meta", text: this.t("checking") }));
    const language = value(this.options.language) || "", conversation = this.conversation();
    try {
      const [verify, check] = await Promise.all([
        this.post("/v1/verify", { draft, candidate: text, conversation, language }, new AbortController(), 5000),
        this.post("/v1/check", { text, conversation, customerName: value(this.options.customerName) || "", language },
          new AbortController(), 5000),
      ]);
      if (this.textarea.value !== text) { this.followup.hidden = true; return; }
      const items = [
        ...(verify.honest ? [] : (verify.findings || []).map((f) => el("li", { class: "rw-sev-error" },
          el("strong", { text: this.t("notHonest") }), " ", el("span", { text: f.detail || "" })))),
        ...(check.violations || []).map((v) => el("li", { class: `rw-sev-${v.severity || "warning"}`, "data-rule": v.ruleId },
          el("code", { text: v.ruleId }), " ", el("q", { text: v.excerpt || "" }), " ", el("span", { text: v.message || "" }))),
      ];
      this.followup.replaceChildren(items.length
        ? el("div", {}, el("h4", { text: this.t("stillWrong") }), el("ul", {}, ...items))
        : el("p", { text: this.t("allFixed") }));
      this.root.dispatchEvent(new CustomEvent("rewrite:followup", { detail: { verify, check } }));
    } catch {
      this.followup.hidden = true;
    }
  }

  ruleIds() { return [...new Set((this.result?.citations || []).map((c) => c.ruleId).filter(Boolean))]; }

  replaceDraft(text, message) {
    this.followup.hidden = true;
    this.undoValue = this.textarea.value;
    this.textarea.value = text;
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    this.close();
    this.say(message, { undo: true });
    this.textarea.focus();
  }

  accept() {
    const ruleIds = this.ruleIds(), decisions = this.editDecisions(this.edits(), () => true);
    this.replaceDraft(this.result.rewrite, this.t("accepted"));
    this.feedback("OUTCOME_ACCEPTED", ruleIds, decisions);
  }

  edit() {
    this.editor.hidden = false;
    this.useEditedButton.hidden = false;
    this.editButton.hidden = true;
    this.acceptButton.hidden = true;
    this.editor.focus();
  }

  useEdited() {
    const ruleIds = this.ruleIds();
    const original = this.sentDraft, edited = this.editor.value;
    this.replaceDraft(edited, this.t("edited"));
    this.feedback("OUTCOME_EDITED", ruleIds);
    this.verifyEdit(original, edited);
  }

  async verifyEdit(draft, candidate) {
    // The model's rewrite was verified honest; the agent's edit of it wasn't. Say so if it
    // dropped a fact or added a promise, without blocking the agent.
    if (!candidate.trim()) return;
    try {
      const result = await this.post("/v1/verify", { draft, candidate, conversation: this.conversation(),
        language: value(this.options.language) || "" }, new AbortController(), 3000);
      if (result.honest || this.textarea.value !== candidate) return;
      const details = (result.findings || []).map((f) => f.detail).filter(Boolean).join("; ");
      this.say(this.t("editedDishonest", { d: details }), { undo: true });
      this.root.dispatchEvent(new CustomEvent("rewrite:verified", { detail: result }));
    } catch {
      // Verify is advice: when it fails the edit stands, and the status keeps saying it was used.
    }
  }

  dismiss() {
    if (this.panel.hidden) return;
    const ruleIds = this.ruleIds(), decisions = this.editDecisions(this.edits(), () => false);
    this.close();
    this.say(this.t("dismissed"));
    this.textarea.focus();
    this.feedback("OUTCOME_DISMISSED", ruleIds, decisions);
  }

  undo() {
    if (this.undoValue === null) return;
    this.textarea.value = this.undoValue;
    this.undoValue = null;
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    this.say(this.t("undone"));
    this.textarea.focus();
  }

  close() {
    this.result = null;
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.root.classList.remove("rw-open");
  }

  feedback(outcome, ruleIds, edits = []) {
    // Fire and forget: a lost verdict must never get in the agent's way. Per edit: its
    // rule ids and whether it was kept (rule ids only, never text).
    this.post("/v1/feedback", { outcome, ruleIds, edits }, new AbortController(), 5000).catch(() => {});
  }

  // -- Check: underline problems after a pause -----------------------------------
  scheduleCheck(delay = this.options.checkDelayMs) {
    if (!this.options.check) return;
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.check(), delay);
  }

  async check() {
    const text = this.textarea.value;
    this.checkAbort?.abort(new ServiceError("cancelled", "superseded"));
    if (!text.trim()) { this.violations = []; this.checkedText = text; this.syncHighlights(); this.renderProblems(); return; }
    const abort = new AbortController();
    this.checkAbort = abort;
    try {
      const result = await this.post("/v1/check", {
        text, conversation: this.conversation(),
        customerName: value(this.options.customerName) || "", language: value(this.options.language) || "",
      }, abort, 3000);
      if (this.checkAbort !== abort || this.textarea.value !== text) return;
      this.violations = result.violations || [];
      this.checkedText = text;
    } catch {
      return; // Check is a hint: when it fails, the old underlines stay and nothing else changes.
    }
    this.syncHighlights();
    this.renderProblems();
    this.root.dispatchEvent(new CustomEvent("rewrite:checked", { detail: { violations: this.violations } }));
  }

  syncHighlights() {
    const text = this.textarea.value;
    const nodes = [];
    if (this.checkedText === text) {
      const at = codePointIndex(text);
      let pos = 0;
      const spans = this.violations.filter((v) => v.span && (v.span.end || 0) > (v.span.start || 0))
        .map((v) => ({ v, start: at(v.span.start || 0), end: at(v.span.end || 0) }))
        .sort((x, y) => x.start - y.start);
      for (const { v, start, end } of spans) {
        if (start < pos) continue; // overlapping spans: the first one wins the underline
        nodes.push(document.createTextNode(text.slice(pos, start)));
        nodes.push(el("mark", { class: `rw-mark rw-sev-${v.severity || "warning"}`, "data-rule": v.ruleId,
          "data-message": v.message || "", "data-suggestion": v.suggestion || "", text: text.slice(start, end) }));
        pos = end;
      }
      nodes.push(document.createTextNode(text.slice(pos)));
    } else {
      nodes.push(document.createTextNode(text));
    }
    nodes.push(document.createTextNode("\u200b")); // keeps a trailing newline's height
    this.highlights.replaceChildren(...nodes);
    this.onScroll();
  }

  renderProblems() {
    const n = this.checkedText === this.textarea.value ? this.violations.length : 0;
    const items = this.violations.map((v) => el("li", { class: `rw-sev-${v.severity || "warning"}` },
      el("code", { text: v.ruleId }), " ", el("q", { text: v.excerpt || "" }), " ", el("span", { text: v.message || "" }),
      v.suggestion ? el("span", { class: "rw-suggestion", text: ` → ${v.suggestion}` }) : null));
    this.problemList.replaceChildren(...items);
    if (!n) { this.problemSummary.replaceChildren(); return; }
    const details = el("details", {}, el("summary", { text: n === 1 ? this.t("oneProblem") : this.t("problems", { n }) }),
      this.problemList);
    this.problemSummary.replaceChildren(details);
  }

  hover(event) {
    // The marks sit under the textarea (and ignore the pointer): find the one whose box holds it.
    const inside = (r) => event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
    const mark = [...this.highlights.querySelectorAll(".rw-mark")].find((m) => [...m.getClientRects()].some(inside));
    if (!mark) { this.tooltip.hidden = true; return; }
    const suggestion = mark.dataset.suggestion ? ` → ${mark.dataset.suggestion}` : "";
    this.tooltip.replaceChildren(el("code", { text: mark.dataset.rule }), " ",
      el("span", { text: mark.dataset.message + suggestion }));
    const box = mark.getBoundingClientRect(), rootBox = this.root.getBoundingClientRect();
    this.tooltip.style.left = `${box.left - rootBox.left}px`;
    this.tooltip.style.top = `${box.bottom - rootBox.top + 4}px`;
    this.tooltip.hidden = false;
  }

  destroy() {
    clearTimeout(this.checkTimer);
    this.cancel(true);
    this.checkAbort?.abort();
    this.resizeObserver.disconnect();
    this.textarea.removeEventListener("input", this.onInput);
    this.textarea.removeEventListener("scroll", this.onScroll);
    this.textarea.removeEventListener("mousemove", this.onMove);
    this.textarea.classList.remove("rw-textarea");
    this.textarea.removeAttribute("aria-describedby");
    this.root.parentNode.insertBefore(this.textarea, this.root);
    this.root.remove();
  }
}

/** Attach a Rewrite button (and debounced Check underlines) to a textarea. */
export function attachRewrite(textarea, options) {
  return new RewriteWidget(textarea, options);
}
