// The "Rewrite" button for any textarea. Plain ES module, no framework, no build step.
//
//   import { attachRewrite } from "/web/rewrite-widget.js";
//   const widget = attachRewrite(textarea, { getConversation: () => [...], language: "en" });
//
// It talks to the reply-rewriter HTTP/JSON gateway (protobuf JSON mapping):
// POST /v1/rewrite, /v1/check, /v1/feedback. Every piece of service or user
// text is inserted with textContent (never innerHTML), and the draft is never
// changed except by the agent pressing Accept or Use edited: any error leaves it
// exactly as typed.

const STRINGS = {
  en: {
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

/** Tokens for a word-level diff: words, runs of spaces, single punctuation marks,
 * and single CJK characters (Chinese has no spaces between words). */
export function tokenize(text) {
  return text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}\p{M}_'’]+|\s+|[^]/gu) || [];
}

/** Word-level diff (LCS): [{op: "same"|"ins"|"del", text}], adjacent ops merged. */
export function diffWords(before, after) {
  const a = tokenize(before), b = tokenize(after);
  const n = a.length, m = b.length;
  if (n * m > 4_000_000) return [{ op: "del", text: before }, { op: "ins", text: after }];
  const dp = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i][j] = a[i] === b[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
    }
  }
  const out = [];
  const push = (op, text) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text; else out.push({ op, text });
  };
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { push("same", a[i]); i++; j++; }
    else if (dp[i + 1][j] >= dp[i][j + 1]) push("del", a[i++]);
    else push("ins", b[j++]);
  }
  while (i < n) push("del", a[i++]);
  while (j < m) push("ins", b[j++]);
  return out;
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
    this.tooltip = el("div", { class: "rw-tooltip", role: "tooltip", hidden: "" });
    const toolbar = el("div", { class: "rw-toolbar" }, this.button, this.cancelButton, this.status, this.undoButton);
    const left = el("div", { class: "rw-left" }, this.editorBox, toolbar, this.problemSummary);
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

  async post(path, body, abort, timeoutMs) {
    const headers = { "Content-Type": "application/json", "X-Request-Id": crypto.randomUUID?.() || String(Date.now()) };
    const token = value(this.options.token);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (timeoutMs) headers["grpc-timeout"] = `${Math.max(1, Math.round(timeoutMs))}m`;
    let timer = 0;
    if (timeoutMs) timer = setTimeout(() => abort.abort(new ServiceError("timeout", "timeout")), timeoutMs + 1000);
    let response;
    try {
      response = await fetch(`${value(this.options.endpoint) || ""}${path}`, {
        method: "POST", headers, body: JSON.stringify(body), signal: abort.signal, credentials: "same-origin",
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
    const diff = el("p", { class: "rw-diff", "aria-label": this.t("changes") });
    const parts = diffWords(this.sentDraft, r.rewrite || "");
    for (const part of parts) {
      if (part.op === "same") diff.append(document.createTextNode(part.text));
      else if (part.op === "ins") diff.append(el("ins", { text: part.text, title: this.t("inserted") }));
      else diff.append(el("del", { text: part.text, title: this.t("deleted") }));
    }
    if (parts.every((p) => p.op === "same")) diff.append(el("span", { class: "rw-meta", text: ` (${this.t("noChanges")})` }));
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
      text: this.t("accept") });
    this.editButton = el("button", { type: "button", class: "rw-button", onclick: () => this.edit(), text: this.t("edit") });
    this.useEditedButton = el("button", { type: "button", class: "rw-button rw-primary", hidden: "",
      onclick: () => this.useEdited(), text: this.t("useEdited") });
    const dismissButton = el("button", { type: "button", class: "rw-button", onclick: () => this.dismiss(),
      text: this.t("dismiss") });
    const actions = el("div", { class: "rw-actions" }, this.acceptButton, this.editButton, this.useEditedButton, dismissButton);
    this.panel.replaceChildren(...[title, diff, this.editor, this.stale, actions,
      section(this.t("citations"), citationItems, "rw-citations"),
      section(this.t("kept"), keptItems, "rw-kept"),
      section(this.t("remaining"), remainingItems, "rw-remaining"), meta].filter(Boolean));
    if (this.textarea.value !== this.sentDraft) this.markStale();
  }

  markStale() { if (this.stale) this.stale.hidden = this.textarea.value === this.sentDraft; }

  ruleIds() { return [...new Set((this.result?.citations || []).map((c) => c.ruleId).filter(Boolean))]; }

  replaceDraft(text, message) {
    this.undoValue = this.textarea.value;
    this.textarea.value = text;
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    this.close();
    this.say(message, { undo: true });
    this.textarea.focus();
  }

  accept() {
    const ruleIds = this.ruleIds();
    this.replaceDraft(this.result.rewrite, this.t("accepted"));
    this.feedback("OUTCOME_ACCEPTED", ruleIds);
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
    const ruleIds = this.ruleIds();
    this.close();
    this.say(this.t("dismissed"));
    this.textarea.focus();
    this.feedback("OUTCOME_DISMISSED", ruleIds);
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

  feedback(outcome, ruleIds) {
    // Fire and forget: a lost verdict must never get in the agent's way.
    this.post("/v1/feedback", { outcome, ruleIds }, new AbortController(), 5000).catch(() => {});
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
