/* Local WhatsApp simulator for LIGAT — front-end (vanilla JS, no build step).
 *
 * The page never renders a citizen message optimistically: everything shown comes from
 * GET /sim/api/events, which records both what the citizen sent ("in") and what the bot
 * POSTed to the Graph API ("out").
 */
"use strict";

const API = {
  state: "/sim/api/state",
  citizen: "/sim/api/citizen",
  events: "/sim/api/events",
  send: "/sim/api/send",
};
const POLL_MS = 700;
const SENDING_TIMEOUT_MS = 10000;
const MAX_FILE_BYTES = 5 * 1024 * 1024;

const PLACES = [
  { name: "Pasar Tembilahan", address: "Jl. H. Said, Tembilahan", latitude: -0.3269, longitude: 103.1573 },
  { name: "Kantor Bupati Inhil", address: "Jl. Akasia No. 1, Tembilahan", latitude: -0.3259, longitude: 103.1603 },
  { name: "Tembilahan Hulu", address: "Kec. Tembilahan Hulu, Indragiri Hilir", latitude: -0.34, longitude: 103.17 },
  { name: "Kuala Enok", address: "Kec. Tanah Merah, Indragiri Hilir", latitude: -0.517, longitude: 103.39 },
];

const TICKS = {
  sent: { mark: "✓", label: "terkirim" },
  delivered: { mark: "✓✓", label: "diterima" },
  read: { mark: "✓✓", label: "dibaca" },
  played: { mark: "✓✓", label: "diputar" },
  failed: { mark: "⚠", label: "gagal" },
};

const state = {
  citizen: { wa_id: "", name: "" },
  office: "Dinas Sosial Inhil",
  lastSeq: 0,
  generation: 0, // bumped on citizen switch so stale poll responses are dropped
  pollTimer: null,
  inFlight: null, // generation of the events request in flight, if any
  connected: null,
  pendingSends: 0,
  pendingTimer: null,
  lastDayKey: null,
  bySeq: new Map(), // seq -> .msg element
  byWamid: new Map(), // "in:wamid" / "out:wamid" -> .msg element
  mediaPreviews: new Map(), // wamid returned by /send -> data: URL of the chosen image
};

const $ = (id) => document.getElementById(id);

/* ---------- small DOM helpers ---------- */

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function escapeHtml(value) {
  return String(value)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/* ---------- WhatsApp text formatting ---------- */

// Markers must touch non-space text and sit on word boundaries, as in WhatsApp
// (so snake_case_words and 2*3*4 are left alone).
const INLINE_RULES = [
  { marker: "\\*", tag: "strong" },
  { marker: "_", tag: "em" },
  { marker: "~", tag: "s" },
];

function inlineRule({ marker, tag }) {
  const pattern = new RegExp(
    `(^|[^\\p{L}\\p{N}_])${marker}(?!\\s)([^\\n]*?[^\\s])${marker}(?![\\p{L}\\p{N}_])`,
    "gmu",
  );
  return (html) => html.replace(pattern, (_, before, inner) => `${before}<${tag}>${inner}</${tag}>`);
}
const INLINE_FORMATTERS = INLINE_RULES.map(inlineRule);
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)*_~]/g;

/** Escaped, formatted HTML for a WhatsApp text body. Line breaks are kept by CSS (pre-wrap). */
function formatWhatsApp(text) {
  const tokens = [];
  const stash = (html) => `\u0000${tokens.push(html) - 1}\u0000`;

  // Code blocks and links are escaped and stashed first so no formatting applies inside them;
  // everything else is escaped before the formatting markers are turned into tags.
  let raw = String(text ?? "").replace(/\u0000/g, "");
  raw = raw.replace(/```([\s\S]+?)```/g, (_, code) => stash(`<code>${escapeHtml(code)}</code>`));
  raw = raw.replace(URL_PATTERN, (url) => {
    const safe = escapeHtml(url);
    return stash(`<a href="${safe}" target="_blank" rel="noopener noreferrer">${safe}</a>`);
  });
  let html = escapeHtml(raw);
  for (const format of INLINE_FORMATTERS) html = format(html);
  return html.replace(/\u0000(\d+)\u0000/g, (_, i) => tokens[Number(i)]);
}

function formattedBlock(className, text) {
  const node = el("div", className);
  node.innerHTML = formatWhatsApp(text); // safe: formatWhatsApp escapes before formatting
  return node;
}

/* ---------- time and date ---------- */

function parseTime(at) {
  const date = at ? new Date(at) : new Date();
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

function timeLabel(date) {
  return date.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", hour12: false }).replace(".", ":");
}

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(date) === dayKey(today)) return "Hari ini";
  if (dayKey(date) === dayKey(yesterday)) return "Kemarin";
  return date.toLocaleDateString("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

/* ---------- network ---------- */

async function api(url, options = {}) {
  const init = { headers: { Accept: "application/json" }, ...options };
  if (options.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    init.body = JSON.stringify(options.json);
    delete init.json;
  }
  const response = await fetch(url, init);
  let data = null;
  try {
    data = await response.json();
  } catch (_) {
    data = null;
  }
  if (!response.ok || (data && data.ok === false)) {
    const reason = (data && (data.error || data.detail)) || `HTTP ${response.status}`;
    throw new Error(reason);
  }
  return data || {};
}

/* ---------- toasts and status ---------- */

function toast(message) {
  const node = el("div", "toast", message);
  $("toasts").appendChild(node);
  setTimeout(() => node.classList.add("leaving"), 3600);
  setTimeout(() => node.remove(), 4000);
}

function setConnected(connected) {
  if (state.connected === connected) return;
  state.connected = connected;
  renderSubtitle();
}

function renderSubtitle() {
  const { wa_id, name } = state.citizen;
  const who = name ? `${name} (${wa_id})` : wa_id;
  const text = state.connected === false ? "server tidak terhubung…" : `chat sebagai ${who || "—"}`;
  $("subtitle").textContent = text;
  $("subtitle").classList.toggle("offline", state.connected === false);
}

function renderOffice() {
  $("office-name").textContent = `${state.office} — LIGAT`;
}

function beginSending() {
  state.pendingSends += 1;
  $("sending").hidden = false;
  clearTimeout(state.pendingTimer);
  state.pendingTimer = setTimeout(clearSending, SENDING_TIMEOUT_MS);
}

function settleSending(count) {
  state.pendingSends = Math.max(0, state.pendingSends - count);
  if (state.pendingSends === 0) clearSending();
}

function clearSending() {
  state.pendingSends = 0;
  clearTimeout(state.pendingTimer);
  $("sending").hidden = true;
}

/* ---------- sending ---------- */

async function send(payload) {
  if (!state.citizen.wa_id) {
    toast("Atur nomor warga terlebih dahulu.");
    return null;
  }
  beginSending();
  try {
    const result = await api(API.send, {
      json: { wa_id: state.citizen.wa_id, name: state.citizen.name, ...payload },
    });
    schedulePoll(0);
    return result;
  } catch (error) {
    settleSending(1);
    toast(`Gagal mengirim: ${error.message}`);
    return null;
  }
}

function sendText() {
  const input = $("composer");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  input.focus();
  send({ type: "text", text }).then((result) => {
    if (!result && !input.value) input.value = text; // keep what was typed if sending failed
  });
}

function sendListReply(row, contextId) {
  const payload = { type: "list_reply", id: row.id, title: row.title || "" };
  if (row.description) payload.description = row.description;
  if (contextId) payload.context_id = contextId;
  send(payload);
}

function sendButtonReply(reply, contextId) {
  const payload = { type: "button_reply", id: reply.id, title: reply.title || "" };
  if (contextId) payload.context_id = contextId;
  send(payload);
}

function sendLocation(place) {
  send({
    type: "location",
    latitude: place.latitude,
    longitude: place.longitude,
    name_place: place.name || "",
    address: place.address || "",
  });
}

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error || new Error("gagal membaca berkas"));
    reader.readAsDataURL(file);
  });
}

async function sendFile(file) {
  if (file.size > MAX_FILE_BYTES) {
    toast("Berkas terlalu besar (maks. 5 MB).");
    return;
  }
  const caption = window.prompt("Keterangan (opsional):", "");
  if (caption === null) return; // cancelled
  let dataUrl;
  try {
    dataUrl = await readAsDataUrl(file);
  } catch (error) {
    toast(`Gagal membaca berkas: ${error.message}`);
    return;
  }
  const mimeType = file.type || "application/octet-stream";
  const isImage = mimeType.startsWith("image/");
  const result = await send({
    type: isImage ? "image" : "document",
    caption: caption.trim(),
    filename: file.name,
    data_base64: dataUrl.slice(dataUrl.indexOf(",") + 1),
    mime_type: mimeType,
  });
  if (result && result.wamid && isImage) state.mediaPreviews.set(result.wamid, dataUrl);
}

/* ---------- attach menu ---------- */

const ATTACH_ACTIONS = {
  file: () => $("file-input").click(),
  location: openLocationSheet,
  voice: () => send({ type: "voice" }),
  sticker: () => send({ type: "sticker" }),
  contacts: () => send({ type: "contacts" }),
  reaction: () => send({ type: "reaction", emoji: "👍" }),
  unsupported: () => send({ type: "unsupported" }),
};

function toggleAttachMenu(open) {
  const menu = $("attach-menu");
  const show = open ?? menu.hidden;
  menu.hidden = !show;
  $("attach-toggle").setAttribute("aria-expanded", String(show));
}

/* ---------- bottom sheet ---------- */

function openSheet(title, content) {
  $("sheet-title").textContent = title;
  $("sheet-body").replaceChildren(content);
  $("sheet-backdrop").hidden = false;
  $("sheet-close").focus();
}

function closeSheet() {
  $("sheet-backdrop").hidden = true;
  $("sheet-body").replaceChildren();
}

function openListSheet(action, contextId) {
  const content = el("div", "list-sheet");
  for (const section of action.sections || []) {
    if (section.title) content.appendChild(el("div", "list-section-title", section.title));
    for (const row of section.rows || []) content.appendChild(listRow(row, contextId));
  }
  openSheet(action.button || "Pilih", content);
}

function listRow(row, contextId) {
  const button = el("button", "list-row");
  button.type = "button";
  button.dataset.id = row.id;
  const text = el("span", "list-row-text");
  text.appendChild(el("span", "list-row-title", row.title));
  if (row.description) text.appendChild(el("span", "list-row-description", row.description));
  button.append(text, el("span", "radio"));
  button.addEventListener("click", () => {
    button.classList.add("selected");
    closeSheet();
    sendListReply(row, contextId);
  });
  return button;
}

function openLocationSheet() {
  const content = el("div", "location-sheet");
  for (const place of PLACES) {
    const row = el("button", "place-row");
    row.type = "button";
    row.append(el("span", "place-pin", "📍"), placeText(place));
    row.addEventListener("click", () => {
      closeSheet();
      sendLocation(place);
    });
    content.appendChild(row);
  }
  content.appendChild(customLocationForm());
  openSheet("Kirim lokasi", content);
}

function placeText(place) {
  const text = el("span", "place-text");
  text.appendChild(el("span", "place-name", place.name));
  text.appendChild(el("span", "place-coords", `${place.latitude}, ${place.longitude}`));
  return text;
}

function customLocationForm() {
  const form = el("form", "custom-location");
  form.appendChild(el("div", "list-section-title", "Lokasi lain"));
  const fields = [
    ["latitude", "Lintang (lat)", "-0.3269"],
    ["longitude", "Bujur (long)", "103.1573"],
    ["name", "Nama tempat (opsional)", ""],
    ["address", "Alamat (opsional)", ""],
  ];
  const inputs = {};
  for (const [key, label, placeholder] of fields) {
    const input = el("input");
    input.type = "text";
    input.placeholder = placeholder || label;
    input.setAttribute("aria-label", label);
    if (key === "latitude" || key === "longitude") input.inputMode = "decimal";
    inputs[key] = input;
    form.appendChild(input);
  }
  const submit = el("button", "primary-button", "Kirim lokasi ini");
  submit.type = "submit";
  form.appendChild(submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const latitude = Number(inputs.latitude.value.replace(",", "."));
    const longitude = Number(inputs.longitude.value.replace(",", "."));
    const valid = inputs.latitude.value.trim() && inputs.longitude.value.trim() &&
      Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
    if (!valid) {
      toast("Lintang/bujur tidak valid.");
      return;
    }
    closeSheet();
    sendLocation({ latitude, longitude, name: inputs.name.value.trim(), address: inputs.address.value.trim() });
  });
  return form;
}

/* ---------- message rendering: bot ("out") ---------- */

function renderOutBody(body, ctx) {
  switch (body.type) {
    case "text":
      return [formattedBlock("text", body.text && body.text.body)];
    case "interactive":
      return renderInteractive(body.interactive || {}, ctx);
    case "template":
      return [renderTemplate(body.template || {})];
    case "image":
    case "video":
    case "document":
    case "audio":
    case "sticker":
      return [renderOutMedia(body.type, body[body.type] || {})];
    case "location":
      return [renderLocation(body.location || {})];
    case "reaction":
      return [el("div", "text reaction", `${(body.reaction || {}).emoji || "∅"}  (reaksi)`)];
    default:
      return [renderUnknown(body)];
  }
}

function renderHeaderBodyFooter(interactive) {
  const nodes = [];
  const header = interactive.header;
  if (header && header.type === "text" && header.text) nodes.push(el("div", "header", header.text));
  else if (header && header.type) nodes.push(el("div", "media-placeholder", `[${header.type}]`));
  if (interactive.body && interactive.body.text) nodes.push(formattedBlock("text", interactive.body.text));
  // Footers take WhatsApp formatting like bodies (headers do not).
  if (interactive.footer && interactive.footer.text) nodes.push(formattedBlock("footer", interactive.footer.text));
  return nodes;
}

function renderInteractive(interactive, ctx) {
  const nodes = renderHeaderBodyFooter(interactive);
  const action = interactive.action || {};
  if (interactive.type === "list") {
    nodes.push(listOpenButton(action, ctx));
  } else if (interactive.type === "button") {
    ctx.replyButtons = (action.buttons || []).map((b) => b.reply || {});
  } else if (interactive.type === "cta_url" && action.parameters) {
    nodes.push(ctaLink(action.parameters));
  } else if (interactive.type === "location_request_message") {
    nodes.push(bubbleAction("📍", "Kirim lokasi", openLocationSheet));
  } else {
    nodes.push(el("div", "footer", `[interaktif: ${interactive.type || "?"}]`));
  }
  return nodes;
}

function bubbleAction(icon, label, onClick) {
  const button = el("button", "bubble-action");
  button.type = "button";
  button.append(el("span", "bubble-action-icon", icon), el("span", null, label));
  button.addEventListener("click", onClick);
  return button;
}

function listOpenButton(action, ctx) {
  const button = bubbleAction("☰", action.button || "Pilih", () => openListSheet(action, ctx.wamid));
  button.classList.add("list-open");
  return button;
}

function ctaLink(parameters) {
  const link = el("a", "bubble-action");
  link.href = /^https?:\/\//.test(parameters.url || "") ? parameters.url : "#";
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.append(el("span", "bubble-action-icon", "↗"), el("span", null, parameters.display_text || parameters.url));
  return link;
}

function renderReplyButtons(replies, ctx) {
  const wrap = el("div", "reply-buttons");
  for (const reply of replies.slice(0, 3)) {
    const button = el("button", "reply-button");
    button.type = "button";
    button.dataset.id = reply.id || "";
    button.append(el("span", "reply-icon", "↩"), el("span", null, reply.title || reply.id || "?"));
    button.addEventListener("click", () => sendButtonReply(reply, ctx.wamid));
    wrap.appendChild(button);
  }
  return wrap;
}

function renderTemplate(template) {
  const box = el("div", "template");
  const code = template.language && template.language.code;
  box.appendChild(el("div", "template-label", `Template: ${template.name || "?"}${code ? ` (${code})` : ""}`));
  const components = template.components || [];
  if (!components.length) box.appendChild(el("div", "footer", "tanpa parameter"));
  for (const component of components) box.appendChild(renderTemplateComponent(component));
  return box;
}

function renderTemplateComponent(component) {
  const part = el("div", "template-component");
  const kind = component.sub_type ? `${component.type} ${component.sub_type}` : component.type;
  part.appendChild(el("div", "template-kind", kind || "komponen"));
  const list = el("ol", "template-params");
  for (const parameter of component.parameters || []) {
    list.appendChild(el("li", null, templateParameterText(parameter)));
  }
  part.appendChild(list);
  return part;
}

function templateParameterText(parameter) {
  if (parameter.type === "text") return parameter.text;
  if (parameter.type === "payload") return `payload: ${parameter.payload}`;
  if (parameter.type === "currency") return (parameter.currency || {}).fallback_value || "[mata uang]";
  if (parameter.type === "date_time") return (parameter.date_time || {}).fallback_value || "[tanggal]";
  return `[${parameter.type || "?"}]`;
}

function renderOutMedia(type, media) {
  const box = el("div", "media");
  const label = { image: "🖼️ Gambar", video: "🎬 Video", document: "📄 Dokumen", audio: "🎤 Audio", sticker: "🐱 Stiker" }[type];
  box.appendChild(el("div", "media-placeholder", media.filename ? `${label}: ${media.filename}` : label));
  if (media.caption) box.appendChild(formattedBlock("text", media.caption));
  return box;
}

function renderUnknown(body) {
  const pre = el("pre", "raw", JSON.stringify(body, null, 2));
  const wrap = el("div");
  wrap.append(el("div", "footer", `Pesan tidak dikenal (${body.type || "tanpa tipe"})`), pre);
  return wrap;
}

/* ---------- message rendering: citizen ("in") ---------- */

function renderInBody(body, event) {
  switch (body.type) {
    case "text":
      return [formattedBlock("text", body.text && body.text.body)];
    case "interactive":
      return [renderInteractiveReply(body.interactive || {})];
    case "button":
      return [el("div", "text", (body.button || {}).text || (body.button || {}).payload)];
    case "location":
      return [renderLocation(body.location || {})];
    case "image":
      return renderInImage(body.image || {}, event);
    case "document":
      return renderInDocument(body.document || {});
    case "audio":
    case "voice":
      return [renderVoice()];
    case "video":
      return [el("div", "media-placeholder", "🎬 Video")];
    case "sticker":
      return [el("div", "sticker", "🐱")];
    case "reaction":
      return [el("div", "text reaction", `${(body.reaction || {}).emoji || "∅"}  (reaksi)`)];
    case "contacts":
      return [renderContacts(body.contacts || [])];
    default:
      return [el("div", "text unsupported", `⚠️ Pesan tidak didukung (${body.type || "?"})`)];
  }
}

function renderInteractiveReply(interactive) {
  const reply = interactive.list_reply || interactive.button_reply || interactive.nfm_reply || {};
  const box = el("div", "text");
  box.appendChild(el("div", null, reply.title || reply.body || reply.id || "(balasan)"));
  if (reply.description) box.appendChild(el("div", "footer", reply.description));
  return box;
}

function renderInImage(image, event) {
  const nodes = [];
  const preview = state.mediaPreviews.get(messageWamid(event));
  if (preview && preview.startsWith("data:image/")) {
    const img = el("img", "photo");
    img.src = preview;
    img.alt = image.caption || "foto";
    img.addEventListener("load", scrollToBottom, { once: true });
    nodes.push(img);
  } else {
    nodes.push(el("div", "media-placeholder photo-placeholder", "📷 Foto"));
  }
  if (image.caption) nodes.push(formattedBlock("text", image.caption));
  return nodes;
}

function renderInDocument(doc) {
  const nodes = [el("div", "document", `📄 ${doc.filename || "Dokumen"}`)];
  if (doc.caption) nodes.push(formattedBlock("text", doc.caption));
  return nodes;
}

function renderVoice() {
  const box = el("div", "voice");
  box.append(el("span", "voice-play", "▶"), el("span", "voice-wave"), el("span", "voice-length", "0:04"));
  return box;
}

function renderContacts(contacts) {
  const names = contacts.map((c) => (c.name && (c.name.formatted_name || c.name.first_name)) || "Kontak");
  return el("div", "text", `👤 ${names.join(", ") || "Kontak"}`);
}

function renderLocation(location) {
  const box = el("div", "location");
  box.appendChild(el("div", "map", "📍"));
  if (location.name) box.appendChild(el("div", "place-name", location.name));
  if (location.address) box.appendChild(el("div", "footer", location.address));
  box.appendChild(el("div", "place-coords", `${location.latitude}, ${location.longitude}`));
  return box;
}

/* ---------- quoting (context) ---------- */

function renderQuote(contextId) {
  const quoted = contextId && (state.byWamid.get(`out:${contextId}`) || state.byWamid.get(`in:${contextId}`));
  if (!quoted) return null;
  const source = [".bubble-content .text", ".bubble-content .template-label", ".bubble-content"]
    .map((selector) => quoted.querySelector(selector))
    .find(Boolean);
  const snippet = source ? source.textContent.trim().slice(0, 90) : "";
  const quote = el("div", "quote");
  quote.append(el("div", "quote-author", quoted.classList.contains("out") ? "LIGAT" : "Anda"), el("div", "quote-text", snippet));
  return quote;
}

/* ---------- message element ---------- */

function messageWamid(event) {
  const body = event.body || {};
  return event.wamid || event.message_id || (event.direction === "in" ? body.id : null) || null;
}

function contextId(event) {
  const body = event.body || {};
  return (body.context && (body.context.id || body.context.message_id)) || null;
}

function isReadReceipt(event) {
  const body = event.body || {};
  return event.direction === "out" && !body.type && body.status && body.message_id;
}

function buildMessage(event) {
  const direction = event.direction === "in" ? "in" : "out";
  const body = event.body || {};
  const ctx = { wamid: messageWamid(event), replyButtons: null };
  const date = parseTime(event.at);

  const msg = el("div", `msg ${direction}`);
  msg.dataset.seq = String(event.seq);
  if (ctx.wamid) msg.dataset.wamid = ctx.wamid;

  const bubble = el("div", "bubble");
  const quote = renderQuote(contextId(event));
  if (quote) bubble.appendChild(quote);
  const content = el("div", "bubble-content");
  const nodes = direction === "in" ? renderInBody(body, event) : renderOutBody(body, ctx);
  content.append(...nodes);
  bubble.append(content, metaLine(date, direction, event.status));
  // As in WhatsApp, the list/link button sits below the timestamp, at the foot of the bubble.
  const action = content.querySelector(":scope > .bubble-action");
  if (action) bubble.appendChild(action);
  msg.appendChild(bubble);

  if (ctx.replyButtons && ctx.replyButtons.length) msg.appendChild(renderReplyButtons(ctx.replyButtons, ctx));
  return { msg, date };
}

function metaLine(date, direction, status) {
  const meta = el("span", "meta");
  meta.appendChild(el("span", "time", timeLabel(date)));
  const ticks = el("span", "ticks");
  meta.appendChild(ticks);
  // Citizen messages the server recorded count as delivered until the bot marks them read.
  setTicks(ticks, status || (direction === "in" ? "delivered" : null));
  return meta;
}

function setTicks(ticks, status) {
  const tick = TICKS[status];
  ticks.textContent = tick ? tick.mark : "";
  ticks.title = tick ? tick.label : "";
  if (status) ticks.dataset.status = status;
  else delete ticks.dataset.status;
}

function updateStatus(msg, status) {
  const ticks = msg && msg.querySelector(".ticks");
  if (ticks && status) setTicks(ticks, status);
}

/* ---------- event processing ---------- */

function applyEvent(event) {
  if (isReadReceipt(event)) {
    updateStatus(state.byWamid.get(`in:${event.body.message_id}`), event.body.status);
    return false;
  }
  if (event.direction === "status") {
    const wamid = event.wamid || event.message_id || (event.body || {}).id;
    updateStatus(state.byWamid.get(`out:${wamid}`) || state.byWamid.get(`in:${wamid}`), event.status);
    return false;
  }
  const wamid = messageWamid(event);
  const known = state.bySeq.get(event.seq) || (wamid && state.byWamid.get(`${event.direction}:${wamid}`));
  if (known) {
    updateStatus(known, event.status);
    return false;
  }
  appendMessage(event);
  return true;
}

function appendMessage(event) {
  const { msg, date } = buildMessage(event);
  const key = dayKey(date);
  const list = $("messages");
  if (key !== state.lastDayKey) {
    state.lastDayKey = key;
    const separator = el("div", "day-separator");
    separator.appendChild(el("span", null, dayLabel(date)));
    list.appendChild(separator);
  }
  list.appendChild(msg);
  state.bySeq.set(event.seq, msg);
  const wamid = messageWamid(event);
  if (wamid) state.byWamid.set(`${event.direction}:${wamid}`, msg);
}

function handleEvents(events) {
  let added = 0;
  let citizenEchoes = 0;
  for (const event of events) {
    if (typeof event.seq === "number") state.lastSeq = Math.max(state.lastSeq, event.seq);
    if (applyEvent(event)) added += 1;
    if (event.direction === "in") citizenEchoes += 1;
  }
  if (citizenEchoes) settleSending(citizenEchoes);
  if (added) scrollToBottom();
}

function scrollToBottom() {
  const chat = $("chat");
  requestAnimationFrame(() => {
    chat.scrollTop = chat.scrollHeight;
  });
}

/* ---------- polling ---------- */

function schedulePoll(delay = POLL_MS) {
  clearTimeout(state.pollTimer);
  state.pollTimer = setTimeout(poll, delay);
}

async function poll() {
  const generation = state.generation;
  const waId = state.citizen.wa_id;
  if (state.inFlight === generation) return; // the running request reschedules itself
  if (!waId) return schedulePoll();
  const url = `${API.events}?after=${encodeURIComponent(state.lastSeq)}&wa_id=${encodeURIComponent(waId)}`;
  state.inFlight = generation;
  try {
    const data = await api(url);
    if (generation !== state.generation) return; // citizen switched meanwhile; that switch re-polls
    setConnected(true);
    handleEvents(Array.isArray(data.events) ? data.events : []);
  } catch (_) {
    if (generation !== state.generation) return;
    setConnected(false);
  } finally {
    if (state.inFlight === generation) state.inFlight = null;
  }
  schedulePoll();
}

/* ---------- citizen switching ---------- */

function resetConversation() {
  state.generation += 1;
  state.lastSeq = 0;
  state.lastDayKey = null;
  state.bySeq.clear();
  state.byWamid.clear();
  clearSending();
  closeSheet();
  $("messages").replaceChildren();
}

function setCitizen(citizen) {
  state.citizen = { wa_id: String(citizen.wa_id || ""), name: String(citizen.name || "") };
  $("citizen-wa-id").value = state.citizen.wa_id;
  $("citizen-name").value = state.citizen.name;
  renderSubtitle();
}

async function applyCitizen(event) {
  event.preventDefault();
  const waId = $("citizen-wa-id").value.replace(/[\s+\-]/g, "");
  const name = $("citizen-name").value.trim();
  if (!/^[A-Za-z0-9._]{5,64}$/.test(waId)) {
    toast("Nomor WhatsApp tidak valid (contoh: 6281234567890).");
    return;
  }
  const button = $("citizen-apply");
  button.disabled = true;
  try {
    const data = await api(API.citizen, { json: { wa_id: waId, name } });
    resetConversation();
    setCitizen(data.citizen || { wa_id: waId, name });
    toggleSettings(false);
    schedulePoll(0);
  } catch (error) {
    toast(`Gagal mengganti warga: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

function toggleSettings(open) {
  const panel = $("settings");
  const show = open ?? panel.hidden;
  panel.hidden = !show;
  $("settings-toggle").setAttribute("aria-expanded", String(show));
  if (show) {
    setCitizen(state.citizen); // discard unsaved edits
    $("citizen-wa-id").focus();
  }
}

/* ---------- start-up ---------- */

function bindUi() {
  $("composer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendText();
  });
  $("attach-toggle").addEventListener("click", (event) => {
    event.stopPropagation();
    toggleAttachMenu();
  });
  $("attach-menu").addEventListener("click", (event) => {
    const item = event.target.closest("[data-attach]");
    if (!item) return;
    toggleAttachMenu(false);
    ATTACH_ACTIONS[item.dataset.attach]();
  });
  $("file-input").addEventListener("change", (event) => {
    const file = event.target.files && event.target.files[0];
    event.target.value = "";
    if (file) sendFile(file);
  });
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".attach-wrap")) toggleAttachMenu(false);
  });
  $("sheet-close").addEventListener("click", closeSheet);
  $("sheet-backdrop").addEventListener("click", (event) => {
    if (event.target === event.currentTarget) closeSheet();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    closeSheet();
    toggleAttachMenu(false);
  });
  $("settings-toggle").addEventListener("click", () => toggleSettings());
  $("settings-cancel").addEventListener("click", () => toggleSettings(false));
  $("settings-form").addEventListener("submit", applyCitizen);
}

async function loadState() {
  try {
    const data = await api(API.state);
    if (data.office) state.office = data.office;
    setConnected(true);
    setCitizen(data.citizen || {});
    renderOffice();
  } catch (error) {
    if (state.connected !== false) toast(`Gagal memuat status simulator: ${error.message}`);
    setConnected(false);
    setTimeout(loadState, 2000);
    return;
  }
  schedulePoll(0);
}

bindUi();
renderSubtitle();
loadState();
