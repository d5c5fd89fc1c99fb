/* Katalog: the 14 services (GET /admin/catalogue), one service's texts (GET/PUT
 * /admin/catalogue/{id}) with the schema's limits counted while typing, and a live preview of the
 * WhatsApp messages the bot sends, rendered by the server (POST .../preview). Read-only for roles
 * without catalogue.edit. */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var FIELDS = [
    ["name", "Nama layanan"],
    ["short_name", "Nama singkat (judul tombol)"],
    ["description", "Keterangan di daftar layanan"],
    ["summary", "Ringkasan"],
    ["eligibility", "Siapa yang berhak (satu per baris)"],
    ["requirements", "Persyaratan (satu per baris)"],
    ["steps", "Alur (satu per baris, berurutan)"],
    ["cost", "Biaya"],
    ["duration", "Lama proses"],
    ["legal_basis", "Dasar hukum (satu per baris)"],
    ["keywords", "Kata kunci pencarian (huruf kecil, satu per baris)"],
    ["sources", "Sumber informasi (untuk petugas, tidak dikirim ke warga)"],
  ];
  var MULTILINE = { summary: true };
  var PENDING = [
    ["summary", "Ringkasan"], ["eligibility", "Siapa yang berhak"], ["requirements", "Persyaratan"],
    ["steps", "Alur"], ["cost", "Biaya"], ["duration", "Lama proses"], ["legal_basis", "Dasar hukum"],
  ];
  var state = { limits: {}, answerMax: 700, current: null, inputs: {}, seq: 0, timer: null };
  var editable = L.may("catalogue.edit");

  function lines(value) {
    return value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  /* WhatsApp's *bold* and _italic_ as <strong> and <em>, everything else as text. */
  function whatsapp(text) {
    var out = [];
    text.split(/(\*[^*\n]+\*|(?<!\w)_[^_\n]+_(?!\w))/).forEach(function (part) {
      if (!part) return;
      if (/^\*[^*\n]+\*$/.test(part)) out.push(el("strong", { text: part.slice(1, -1) }));
      else if (/^_[^_\n]+_$/.test(part)) out.push(el("em", { text: part.slice(1, -1) }));
      else out.push(part);
    });
    return out;
  }

  // -- list ----------------------------------------------------------------------------------

  function showList() {
    var box = document.getElementById("catalogue-list");
    document.getElementById("catalogue-editor").hidden = true;
    box.hidden = false;
    L.api("GET", "/admin/catalogue").then(function (data) {
      state.limits = data.limits;
      state.answerMax = data.answer_max;
      var rows = data.services.map(function (s) {
        var changed = s.source === "staff"
          ? "Diubah " + (s.updated_by_name || "petugas") + ", " + L.dateTime(s.updated_at)
          : "Teks bawaan";
        return el("tr", null,
          el("td", { text: String(s.number) }),
          el("td", null,
            el("button", { type: "button", class: "link", "data-service": s.id, text: s.name,
              onclick: function () { openService(s.id); } }),
            s.urgent ? [" ", el("span", { class: "badge urgent", text: "Mendesak" })] : null,
            s.to_complete.length
              ? [" ", el("span", { class: "badge", text: "Perlu dikonfirmasi" })] : null),
          el("td", { class: "muted", text: changed }));
      });
      L.clear(box).appendChild(el("div", { class: "table-wrap" },
        el("table", null,
          el("thead", null, el("tr", null,
            el("th", { text: "No" }), el("th", { text: "Layanan" }),
            el("th", { text: "Perubahan terakhir" }))),
          el("tbody", null, rows))));
      box.removeAttribute("aria-busy");
      var wanted = location.hash.slice(1);
      if (wanted) openService(wanted);
    }, L.failed);
  }

  // -- editor --------------------------------------------------------------------------------

  function openService(id) {
    L.api("GET", "/admin/catalogue/" + encodeURIComponent(id)).then(function (stored) {
      state.current = stored;
      if (location.hash !== "#" + id) history.replaceState(null, "", "#" + id);
      document.getElementById("catalogue-list").hidden = true;
      document.getElementById("catalogue-editor").hidden = false;
      document.getElementById("catalogue-title").textContent = stored.service.name;
      renderMeta(stored);
      renderForm(stored.service);
      renderRevisions(stored.revisions || []);
      check();
      preview();
      window.scrollTo(0, 0);
    }, L.failed);
  }

  function renderMeta(stored) {
    var text = "Revisi " + stored.revision + " · " + (stored.source === "staff"
      ? "terakhir diubah " + (stored.updated_by_name || "petugas") + ", " +
        L.dateTime(stored.updated_at)
      : "teks bawaan, belum pernah diubah");
    if (!editable) text += " · Hanya baca untuk peran Anda";
    document.getElementById("catalogue-meta").textContent = text;
  }

  function renderRevisions(revisions) {
    var list = L.clear(document.getElementById("revision-list"));
    if (!revisions.length) {
      list.appendChild(el("li", { class: "muted", text: "Belum ada perubahan oleh petugas." }));
      return;
    }
    revisions.forEach(function (r) {
      list.appendChild(el("li", { text: "Revisi " + r.revision + " · " + r.by_name + " · " +
        L.dateTime(r.at) }));
    });
  }

  function renderForm(service) {
    var form = L.clear(document.getElementById("catalogue-form"));
    state.inputs = {};
    FIELDS.forEach(function (field) {
      var name = field[0], limit = state.limits[name] || { kind: "text", min: 0, max: null };
      var list = limit.kind === "list";
      var value = list ? (service[name] || []).join("\n") : service[name] || "";
      var input = list || MULTILINE[name]
        ? el("textarea", { name: name, rows: list ? 4 : 6 })
        : el("input", { name: name, type: "text" });
      input.value = value;
      input.readOnly = !editable;
      input.addEventListener("input", function () { check(); schedulePreview(); });
      var counter = el("span", { class: "counter", id: "count-" + name });
      var error = el("span", { class: "field-error", id: "error-" + name, role: "alert" });
      form.appendChild(el("label", { "data-field": name },
        el("span", { class: "label-row" }, el("span", { text: field[1] }), counter),
        input, error));
      state.inputs[name] = { input: input, counter: counter, error: error, limit: limit };
    });
    var pending = el("fieldset", { class: "checks", "data-field": "to_complete" },
      el("legend", { text: "Masih perlu dikonfirmasi kantor (ditandai untuk warga)" }));
    PENDING.forEach(function (item) {
      var box = el("input", { type: "checkbox", name: "to_complete", value: item[0] });
      box.checked = (service.to_complete || []).indexOf(item[0]) >= 0;
      box.disabled = !editable;
      box.addEventListener("change", schedulePreview);
      pending.appendChild(el("label", { class: "check" }, box, item[1]));
    });
    form.appendChild(pending);
    form.appendChild(el("p", { class: "field-error", id: "error-general", role: "alert" }));
    if (editable) {
      form.appendChild(el("div", { class: "actions" },
        el("button", { type: "submit", id: "catalogue-save", text: "Simpan" }),
        el("button", { type: "button", class: "secondary", text: "Batalkan perubahan",
          onclick: function () { openService(service.id); } })));
      form.onsubmit = save;
    } else {
      form.onsubmit = function (event) { event.preventDefault(); };
    }
  }

  function draft() {
    var service = Object.assign({}, state.current.service);
    Object.keys(state.inputs).forEach(function (name) {
      var item = state.inputs[name];
      service[name] = item.limit.kind === "list" ? lines(item.input.value) : item.input.value.trim();
    });
    var boxes = document.querySelectorAll("#catalogue-form input[name=to_complete]");
    service.to_complete = Array.prototype.filter.call(boxes, function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    return service;
  }

  /* The schema's limits while typing: "512/600", red and save disabled when over. */
  function check() {
    var ok = true;
    Object.keys(state.inputs).forEach(function (name) {
      var item = state.inputs[name], limit = item.limit, value = item.input.value;
      var count = limit.kind === "list" ? lines(value).length : value.trim().length;
      var over = limit.max !== null && limit.max !== undefined && count > limit.max;
      var under = count < (limit.min || 0);
      if (limit.kind === "list") {
        item.counter.textContent = count + " baris" + (limit.min ? " (min. " + limit.min + ")" : "");
      } else {
        item.counter.textContent = limit.max ? count + "/" + limit.max : "";
      }
      item.counter.classList.toggle("over", over || under);
      item.input.setAttribute("aria-invalid", over || under ? "true" : "false");
      if (over || under) ok = false;
    });
    var button = document.getElementById("catalogue-save");
    if (button) button.disabled = !ok;
    return ok;
  }

  function clearErrors() {
    Object.keys(state.inputs).forEach(function (name) { state.inputs[name].error.textContent = ""; });
    document.getElementById("error-general").textContent = "";
  }

  function showErrors(fields) {
    clearErrors();
    (fields || []).forEach(function (f) {
      var name = f.field.replace(/^service\./, "").split(".")[0];
      var target = state.inputs[name] ? state.inputs[name].error
        : document.getElementById("error-general");
      target.textContent = (target.textContent ? target.textContent + "; " : "") + f.message;
    });
  }

  function schedulePreview() {
    clearTimeout(state.timer);
    state.timer = setTimeout(preview, 250);
  }

  function preview() {
    var seq = ++state.seq, id = state.current.service.id;
    var box = document.getElementById("wa-preview");
    box.setAttribute("aria-busy", "true");
    L.api("POST", "/admin/catalogue/" + encodeURIComponent(id) + "/preview", { service: draft() })
      .then(function (shown) {
        if (seq !== state.seq) return;
        clearErrors();
        renderPreview(shown);
      }, function (error) {
        if (seq !== state.seq) return;
        if (error.status !== 400) return L.failed(error);
        showErrors(error.body.fields);
        var counter = document.getElementById("answer-counter");
        counter.textContent = "Pratinjau menunggu isian yang benar (lihat tanda merah).";
        counter.className = "counter over";
        box.removeAttribute("aria-busy");
      });
  }

  function renderPreview(shown) {
    var box = L.clear(document.getElementById("wa-preview"));
    var counter = document.getElementById("answer-counter");
    var cut = shown.answer_full_length > shown.answer_max;
    counter.textContent = "Jawaban pertama: " + shown.answer_length + "/" + shown.answer_max +
      " karakter" + (cut ? " · dipersingkat otomatis dari " + shown.answer_full_length +
      " karakter; ringkasan yang lebih pendek tampil utuh" : "");
    counter.className = "counter" + (cut ? " warn" : "");
    box.appendChild(el("p", { class: "bubble", id: "wa-answer" }, whatsapp(shown.answer)));
    box.appendChild(el("div", { class: "bubble" },
      el("p", { id: "wa-actions" }, whatsapp(shown.actions)),
      el("div", { class: "wa-buttons" }, shown.buttons.map(function (title) {
        return el("span", { text: title });
      }))));
    box.appendChild(el("p", { class: "muted wa-note", text: "Jika warga mengetuk “Rincian”:" }));
    box.appendChild(el("p", { class: "bubble", id: "wa-details" }, whatsapp(shown.details)));
    box.removeAttribute("aria-busy");
  }

  function save(event) {
    event.preventDefault();
    if (!check()) return;
    var button = document.getElementById("catalogue-save");
    button.disabled = true;
    var id = state.current.service.id;
    L.api("PUT", "/admin/catalogue/" + encodeURIComponent(id),
      { service: draft(), revision: state.current.revision })
      .then(function () {
        L.flash("Tersimpan. Bot memakai teks baru paling lambat satu menit lagi.");
        openService(id);
      }, function (error) {
        button.disabled = false;
        if (error.status === 400) {
          showErrors(error.body.fields);
          L.flash("Belum tersimpan: periksa isian yang ditandai.", "error");
        } else {
          L.failed(error);
        }
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("catalogue-back").addEventListener("click", function () {
      history.replaceState(null, "", location.pathname);
      showList();
    });
    showList();
  });
})();
