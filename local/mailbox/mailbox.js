// The local mailbox: lists what SES accepted, opens one e-mail. E-mail content is only ever put
// into the page as text (textContent), and its HTML only into the sandboxed iframe.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 3000;
let selected = null;
let shownIds = "";

function when(iso) {
  return new Date(iso).toLocaleString("id-ID", { dateStyle: "medium", timeStyle: "medium" });
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

function renderList(messages) {
  const ids = messages.map((m) => m.id).join(",");
  $("empty").hidden = messages.length > 0;
  if (ids === shownIds) {
    return;
  }
  shownIds = ids;
  const list = $("messages");
  list.replaceChildren(
    ...messages.map((mail) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.id = mail.id;
      button.setAttribute("aria-current", String(mail.id === selected));
      const subject = document.createElement("span");
      subject.className = "mail-subject";
      subject.textContent = mail.subject || "(tanpa subjek)";
      const meta = document.createElement("span");
      meta.className = "mail-meta";
      const files = mail.attachments ? ` · ${mail.attachments} lampiran` : "";
      meta.textContent = `${mail.to.join(", ")} · ${when(mail.received_at)}${files}`;
      button.append(subject, meta);
      button.addEventListener("click", () => open(mail.id));
      item.append(button);
      return item;
    }),
  );
}

function showTab(name) {
  $("tab-html").setAttribute("aria-selected", String(name === "html"));
  $("tab-text").setAttribute("aria-selected", String(name === "text"));
  $("html").hidden = name !== "html";
  $("text").hidden = name !== "text";
}

async function open(id) {
  selected = id;
  for (const button of document.querySelectorAll("#messages button")) {
    button.setAttribute("aria-current", String(button.dataset.id === id));
  }
  const mail = await getJson(`api/messages/${encodeURIComponent(id)}`);
  const base = `api/messages/${encodeURIComponent(id)}`;
  $("reader").hidden = false;
  $("subject").textContent = mail.subject || "(tanpa subjek)";
  $("from").textContent = mail.from;
  $("to").textContent = mail.to.join(", ");
  $("when").textContent = when(mail.received_at);
  $("text").textContent = mail.text;
  $("attachments").replaceChildren(
    ...mail.attachments.map((file) => {
      const link = document.createElement("a");
      link.href = `${base}/attachments/${file.index}`;
      link.download = file.filename;
      link.textContent = `Unduh ${file.filename} (${Math.ceil(file.size / 1024)} KB)`;
      return link;
    }),
  );
  $("tab-html").hidden = !mail.has_html;
  $("html").src = mail.has_html ? `${base}/html` : "about:blank";
  showTab(mail.has_html ? "html" : "text");
}

async function refresh() {
  try {
    const { messages } = await getJson("api/messages");
    renderList(messages);
  } catch (error) {
    $("status").textContent = `Kotak surat tidak menjawab (${error.message}).`;
  }
}

async function runDaily() {
  const button = $("run-daily");
  button.disabled = true;
  $("status").textContent = "Menjalankan jadwal harian…";
  try {
    const result = await getJson("api/run-daily", { method: "POST" });
    $("status").textContent = result.new
      ? `${result.new} e-mail baru.`
      : "Tidak ada e-mail baru: rekap hari yang sama dikirim sekali saja.";
    await refresh();
  } catch (error) {
    $("status").textContent = `Gagal menjalankan jadwal (${error.message}).`;
  } finally {
    button.disabled = false;
  }
}

$("tab-html").addEventListener("click", () => showTab("html"));
$("tab-text").addEventListener("click", () => showTab("text"));
$("run-daily").addEventListener("click", runDaily);
refresh();
setInterval(refresh, POLL_MS);
