/* Percakapan: the chats citizens handed to staff (GET /admin/conversations), one chat with its
 * messages, a reply, and "Kembalikan ke bot". While the tab is visible the list is polled every
 * 5 s; the open chat is re-read only when its row changed (each read of a chat is audited, so
 * an idle tab must not write an audit event every few seconds). */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var POLL_MS = 5000;
  var STATES = { waiting: "Menunggu petugas", held: "Dilayani petugas", none: "Kembali ke bot" };
  var DELIVERY = {
    pending: "menunggu", sent: "terkirim", delivered: "diterima", read: "dibaca", failed: "gagal",
  };
  var query = new URLSearchParams(location.search);
  var current = query.get("chat"); // the API's opaque conversation id, never a phone number
  var waitingOnly = query.get("waiting") === "true";
  var seen = ""; // the open chat's row as last read: re-read the chat when it changes
  var drawn = ""; // the messages on screen
  var timer = null, polling = false, lastProblem = "", windowText = "";
  var live = null; // every live chat at the last poll

  function shown(rows) {
    return rows.filter(function (row) { return !waitingOnly || row.state === "waiting"; });
  }

  function chatPath(conv) {
    return "/admin/conversations/" + encodeURIComponent(conv);
  }

  function rowSignature(row) {
    return [row.state, row.until, row.last_inbound_at, row.held_by, row.window_open].join("|");
  }

  function keepUrl() {
    var parts = [];
    if (waitingOnly) parts.push("waiting=true");
    if (current) parts.push("chat=" + encodeURIComponent(current));
    history.replaceState(null, "", location.pathname + (parts.length ? "?" + parts.join("&") : ""));
  }

  // -- the list ----------------------------------------------------------------------------

  function drawList(rows) {
    var list = L.clear(document.getElementById("conversations"));
    list.removeAttribute("aria-busy");
    if (!rows.length) {
      list.appendChild(el("li", { class: "muted", text: waitingOnly
        ? "Tidak ada chat yang menunggu balasan."
        : "Belum ada warga yang meminta chat dengan petugas." }));
    }
    rows.forEach(function (row) {
      var when = row.state === "held" && row.held_by
        ? "oleh " + row.held_by
        : "sejak " + L.dateTime(row.since);
      list.appendChild(el("li", {},
        el("a", {
          href: "?chat=" + encodeURIComponent(row.citizen) + (waitingOnly ? "&waiting=true" : ""),
          "data-conv": row.citizen,
          "aria-current": row.citizen === current ? "true" : null,
          onclick: function (event) {
            event.preventDefault();
            open(row);
          },
        },
        el("span", { class: "who-line" },
          el("strong", { text: row.name || "Warga" }), " ",
          el("span", { class: "muted nowrap", text: row.phone })),
        el("span", { class: "badge " + row.state, text: STATES[row.state] }),
        el("span", { class: "muted small", text: " " + when }))));
    });
    return rows;
  }

  // -- one chat ----------------------------------------------------------------------------

  function sender(message) {
    if (message.direction === "in") return "Warga";
    return message.by === "bot" ? "Layanan otomatis" : message.by;
  }

  function bubble(message) {
    var kind = message.direction === "in" ? "in" : message.by === "bot" ? "out bot" : "out";
    var meta = sender(message) + " · " + L.dateTime(message.at);
    if (message.status) meta += " · " + (DELIVERY[message.status] || message.status);
    return el("div", { class: "bubble " + kind },
      el("p", { text: message.text }),
      message.media_url
        ? el("a", { href: message.media_url, target: "_blank", rel: "noopener", text: "Buka lampiran" })
        : null,
      el("small", { text: meta }));
  }

  function drawChat(chat) {
    document.getElementById("pick").hidden = true;
    document.getElementById("chat").hidden = false;
    document.getElementById("chat-title").textContent = chat.name || "Warga";
    var meta = [chat.phone, STATES[chat.state]];
    if (chat.state === "held" && chat.held_by) meta.push("oleh " + chat.held_by);
    if (chat.last_inbound_at) meta.push("terakhir menulis " + L.dateTime(chat.last_inbound_at));
    document.getElementById("chat-meta").textContent = meta.join(" · ");
    var refs = L.clear(document.getElementById("chat-tickets"));
    if (chat.tickets.length) {
      refs.appendChild(document.createTextNode("Laporan: "));
      chat.tickets.forEach(function (ticket, i) {
        if (i) refs.appendChild(document.createTextNode(", "));
        refs.appendChild(el("a", {
          href: L.config.base + "/console/tickets/" + encodeURIComponent(ticket.number),
          text: ticket.number,
        }));
        refs.appendChild(document.createTextNode(" (" + ticket.status_label + ")"));
      });
    }
    var note = document.getElementById("window-note");
    note.textContent = windowText;
    note.hidden = chat.window_open;
    document.getElementById("release").hidden = chat.state === "none";

    var box = document.getElementById("messages");
    var signature = JSON.stringify(chat.messages);
    if (signature !== drawn) {
      var atEnd = !drawn || box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
      L.clear(box);
      if (!chat.messages.length) box.appendChild(el("p", { class: "muted", text: "Belum ada pesan." }));
      chat.messages.forEach(function (message) { box.appendChild(bubble(message)); });
      drawn = signature;
      if (atEnd) box.scrollTop = box.scrollHeight;
    }
  }

  function closeChat() {
    current = null;
    seen = drawn = "";
    document.getElementById("chat").hidden = true;
    document.getElementById("pick").hidden = false;
    keepUrl();
  }

  function readChat() {
    var conv = current;
    return L.api("GET", chatPath(conv)).then(function (chat) {
      if (conv === current) drawChat(chat);
    }, function (error) {
      if (error.status !== 404) throw error;
      closeChat();
      L.flash("Chat tidak ditemukan.", "error");
    });
  }

  function open(row) {
    if (row.citizen !== current) drawn = "";
    current = row.citizen;
    seen = rowSignature(row);
    keepUrl();
    document.querySelectorAll("#conversations a").forEach(function (link) {
      if (link.dataset.conv === current) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
    readChat().then(function () {
      // On a phone the chat is under the list: bring it into view.
      if (window.innerWidth < 900) document.getElementById("chat").scrollIntoView();
    }, L.failed);
  }

  // -- polling -----------------------------------------------------------------------------

  function refresh() {
    if (polling) return Promise.resolve();
    polling = true;
    // Every live chat, filtered here: the open chat's row is needed even when it is not waiting.
    return L.api("GET", "/admin/conversations").then(function (data) {
      live = data.conversations;
      drawList(shown(live));
      if (!current) return null;
      var row = data.conversations.filter(function (r) { return r.citizen === current; })[0];
      var signature = row ? rowSignature(row) : "gone";
      if (signature === seen) return null;
      seen = signature;
      return readChat();
    }).then(function () {
      lastProblem = "";
    }, function (error) {
      var problem = error && error.message ? error.message : String(error);
      if (problem !== lastProblem) L.failed(error); // once, not every 5 s
      lastProblem = problem;
    }).then(function () {
      polling = false;
    });
  }

  function startPolling() {
    stopPolling();
    if (document.visibilityState === "visible") timer = setInterval(refresh, POLL_MS);
  }

  function stopPolling() {
    clearInterval(timer);
    timer = null;
  }

  // -- actions -----------------------------------------------------------------------------

  function reply(event) {
    event.preventDefault();
    var form = event.target, field = form.elements.text, button = form.querySelector("button[type=submit]");
    var text = field.value.trim();
    if (!text) {
      L.flash("Tulis balasan terlebih dahulu.", "error");
      field.focus();
      return;
    }
    button.disabled = true;
    L.api("POST", chatPath(current) + "/messages", { text: text }).then(function (result) {
      field.value = "";
      drawChat(result.conversation);
      L.flash(result.delivery === "template"
        ? "Warga di luar jendela 24 jam: templat status laporan terkirim, pesan Anda menyusul setelah warga membalas."
        : "Balasan terkirim.");
      return refresh();
    }, function (error) {
      if (error.body && error.body.error === "window_closed") {
        var note = document.getElementById("window-note");
        note.textContent = error.message;
        note.hidden = false;
      }
      L.failed(error);
    }).then(function () {
      button.disabled = false;
    });
  }

  function release(event) {
    var button = event.target;
    button.disabled = true;
    L.api("POST", chatPath(current) + "/release").then(function (chat) {
      drawChat(chat);
      L.flash("Chat dikembalikan ke layanan otomatis.");
      return refresh();
    }, L.failed).then(function () {
      button.disabled = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    windowText = document.getElementById("window-note").textContent;
    var only = document.getElementById("waiting-only");
    only.checked = waitingOnly;
    only.addEventListener("change", function () {
      waitingOnly = only.checked;
      keepUrl();
      if (live) drawList(shown(live));
    });
    document.getElementById("reply").addEventListener("submit", reply);
    document.getElementById("release").addEventListener("click", release);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        refresh();
        startPolling();
      } else {
        stopPolling();
      }
    });
    refresh(); // reads the chat in the URL too (its row is new to this page)
    startPolling();
  });
})();
