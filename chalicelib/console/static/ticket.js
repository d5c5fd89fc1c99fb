/* Tiket: one ticket (GET /admin/tickets/{number}), masked by the API for the viewer's role, and
 * the actions the role and the lifecycle allow. Every action sends the version it was made on
 * and the page re-renders from the answer; a ticket changed meanwhile (409) is loaded again. */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var number = document.getElementById("isi").getAttribute("data-number");
  var path = "/admin/tickets/" + encodeURIComponent(number);
  var CLOSED = ["selesai", "ditolak", "dialihkan"];
  var AFTER_VERIFICATION = ["diverifikasi", "asesmen", "ditindaklanjuti"];
  var TYPES = { pengaduan: "Pengaduan", permohonan: "Permohonan" };
  var ABOUT = { self: "Diri sendiri", other: "Orang lain", group: "Sekelompok orang" };
  var OVERDUE = {
    verification: "Verifikasi terlambat",
    first_response: "Tanggapan pertama terlambat",
    final: "Lewat batas akhir",
  };
  var NOTICE_KIND = {
    text: "Pesan teks",
    template: "Templat ligat_status_update",
    list: "Pertanyaan penilaian",
  };
  var DELIVERY = {
    pending: "Menunggu dikirim", sending: "Sedang dikirim", unknown: "Belum diketahui",
    sent: "Terkirim", delivered: "Sampai di ponsel", read: "Dibaca", failed: "Gagal",
  };
  var RECOMMENDATION = {};
  var ticket = null, me = null, staff = {}, members = [];

  // -- helpers ------------------------------------------------------------------------------

  function who(id) {
    if (!id) return "–";
    if (id === "warga") return "Warga";
    if (id === "sistem") return "Sistem";
    if (me && id === me.id) return "Anda";
    return staff[id] || "Petugas";
  }

  function fields(dl, pairs) {
    L.clear(dl);
    pairs.forEach(function (pair) {
      var value = pair[1];
      if (value === null || value === undefined || value === "" ) return;
      dl.appendChild(el("dt", { text: pair[0] }));
      dl.appendChild(el("dd", null, value));
    });
  }

  function badge(text, kind) {
    return el("span", { class: "badge " + (kind || ""), text: text });
  }

  function show(id, visible) {
    document.getElementById(id).hidden = !visible;
  }

  function text(form, name) {
    var value = form.elements[name].value.trim();
    return value || undefined;
  }

  // -- rendering ----------------------------------------------------------------------------

  function render(t) {
    ticket = t;
    document.getElementById("title").textContent = "Tiket " + t.number;
    var flags = [badge(L.label("status", t.status), "status-" + t.status)];
    if (t.priority === "tinggi") flags.push(badge("Mendesak", "urgent"));
    t.overdue.forEach(function (breach) { flags.push(badge(OVERDUE[breach] || breach, "overdue")); });
    if (t.anonymous) flags.push(badge("Anonim"));
    if (t.duplicate_of) flags.push(badge("Duplikat"));
    L.clear(document.getElementById("flags")).appendChild(el("span", null, flags));
    renderFacts(t);
    document.getElementById("description").textContent = t.description || "(tanpa uraian)";
    renderPhotos(t.media_links);
    renderDeadlines(t);
    renderAssessment(t.assessment);
    renderConversation(t.conversation);
    renderNotices(t.notices);
    renderHistory(t.history);
    renderActions(t);
    document.getElementById("loading").removeAttribute("aria-busy");
    show("loading", false);
    show("ticket", true);
  }

  function renderFacts(t) {
    var place = null;
    if (t.location) {
      var where = t.location.name || t.location.address ||
        t.location.latitude.toFixed(5) + ", " + t.location.longitude.toFixed(5);
      place = [where + " · ", el("a", { href: t.location.map_link, target: "_blank",
        rel: "noopener noreferrer", text: "Buka di peta" })];
    }
    var original = t.duplicate_of ? el("a", { href: L.config.base + "/console/tickets/" +
      encodeURIComponent(t.duplicate_of), text: t.duplicate_of }) : null;
    var permit = t.permit ? Object.keys(t.permit).map(function (key) {
      return el("span", { class: "block", text: key + ": " + t.permit[key] });
    }) : null;
    var rating = t.satisfaction ? t.satisfaction.score + "/5" +
      (t.satisfaction.comment ? " · " + t.satisfaction.comment : "") : null;
    fields(document.getElementById("facts"), [
      ["Jenis", TYPES[t.type] || t.type],
      ["Layanan", L.label("service", t.service_id)],
      ["Diterima", L.dateTime(t.created_at)],
      ["Pelapor", t.reporter_name],
      ["WhatsApp", t.citizen],
      ["NIK", t.nik],
      ["Tentang", ABOUT[t.about] || t.about],
      ["Yang dilaporkan", t.subject],
      ["Jumlah terdampak", t.affected],
      ["Kecamatan", t.kecamatan ? t.kecamatan.name : null],
      ["Desa/kelurahan", t.desa ? t.desa.name : null],
      ["Alamat", t.address],
      ["Lokasi", place],
      ["Petugas", t.assignee ? who(t.assignee) : "Belum ditugaskan"],
      ["Duplikat dari", original],
      ["Data izin", permit],
      ["Kabar terakhir ke warga", t.public_note],
      ["Penilaian warga", rating],
    ]);
  }

  function renderPhotos(links) {
    var box = L.clear(document.getElementById("photos"));
    links.forEach(function (link, i) {
      var name = "Lampiran " + (i + 1);
      var anchor = el("a", { href: link.url, target: "_blank", rel: "noopener noreferrer" });
      var img = el("img", { src: link.url, alt: name, loading: "lazy" });
      img.addEventListener("error", function () {
        L.clear(anchor).appendChild(document.createTextNode("Buka " + name.toLowerCase()));
      });
      anchor.appendChild(img);
      box.appendChild(anchor);
    });
    if (links.length) {
      box.appendChild(el("p", { class: "muted small",
        text: "Tautan lampiran berlaku 10 menit; muat ulang halaman bila sudah kedaluwarsa." }));
    }
  }

  function deadline(due, done, breach, t) {
    var late = t.overdue.indexOf(breach) >= 0;
    return [L.dateTime(due), done ? " · selesai " + L.dateTime(done) : "",
      late ? [" ", badge("Terlambat", "overdue")] : ""];
  }

  function renderDeadlines(t) {
    fields(document.getElementById("deadlines"), [
      ["Verifikasi", deadline(t.due.verification, t.verified_at, "verification", t)],
      ["Tanggapan pertama", deadline(t.due.first_response, t.first_response_at, "first_response", t)],
      ["Batas akhir", deadline(t.due.final, t.closed_at, "final", t)],
    ]);
  }

  function renderAssessment(assessment) {
    show("assessment-view", !!assessment);
    if (!assessment) return;
    fields(document.getElementById("assessment"), [
      ["Tanggal kunjungan", L.date(assessment.visit_date)],
      ["Temuan", assessment.findings],
      ["Rekomendasi", RECOMMENDATION[assessment.recommendation] || assessment.recommendation],
      ["Dicatat", assessment.at ? L.dateTime(assessment.at) + " · " + who(assessment.by) : null],
    ]);
  }

  function renderConversation(lines) {
    var box = L.clear(document.getElementById("conversation"));
    if (!lines.length) {
      box.appendChild(el("p", { class: "muted", text: "Belum ada percakapan dengan petugas sejak tiket ini dibuat." }));
      return;
    }
    lines.forEach(function (line) {
      var meta = [line.direction === "in" ? "Warga" : line.by === "bot" ? "Layanan otomatis" : line.by,
        L.dateTime(line.at)];
      if (line.status) meta.push(DELIVERY[line.status] || line.status);
      box.appendChild(el("p", { class: line.direction === "in" ? "in" : "out" },
        el("small", { class: "meta", text: meta.join(" · ") }),
        el("span", { text: line.text }),
        line.media_url ? el("a", { href: line.media_url, target: "_blank", rel: "noopener noreferrer",
          class: "block", text: "Buka lampiran" }) : null));
    });
  }

  function renderNotices(notices) {
    var list = L.clear(document.getElementById("notices"));
    if (!notices.length) {
      list.appendChild(el("li", { class: "muted", text: "Belum ada pemberitahuan yang dikirim." }));
      return;
    }
    notices.forEach(function (notice) {
      var state = DELIVERY[notice.status] || notice.status;
      list.appendChild(el("li", null, NOTICE_KIND[notice.kind] || notice.kind, " · ",
        badge(state, notice.status === "failed" ? "overdue" : notice.status === "read" ||
          notice.status === "delivered" ? "open" : ""),
        notice.at ? " · " + L.dateTime(notice.at) : ""));
    });
  }

  function describe(event) {
    var from = L.label("status", event.from_status), to = L.label("status", event.to_status);
    var detail = event.detail || {};
    switch (event.kind) {
      case "created": return "Laporan masuk dari warga";
      case "status": return "Status: " + from + " → " + to;
      case "reopened": return "Dibuka kembali: " + from + " → " + to;
      case "assigned": return detail.to ? "Ditugaskan ke " + who(detail.to) : "Penugasan dilepas";
      case "note": return "Catatan internal";
      case "assessment":
        return "Asesmen dicatat (kunjungan " + L.date(detail.visit_date) + ", " +
          (RECOMMENDATION[detail.recommendation] || detail.recommendation) + ")";
      case "duplicate": return "Ditandai duplikat dari " + detail.of;
      case "appended": return "Warga menambahkan informasi";
      case "satisfaction":
        return detail.score ? "Warga memberi nilai " + detail.score + "/5" : "Warga memberi komentar";
      default: return event.kind;
    }
  }

  function renderHistory(events) {
    var list = L.clear(document.getElementById("history"));
    events.slice().reverse().forEach(function (event) {
      list.appendChild(el("li", null,
        el("small", { class: "meta", text: L.dateTime(event.at) + " · " + who(event.by) }),
        el("span", { class: "block", text: describe(event) }),
        event.public_note ? el("span", { class: "block note public", text: "Untuk warga: " + event.public_note }) : null,
        event.internal_note ? el("span", { class: "block note", text: "Internal: " + event.internal_note }) : null));
    });
  }

  function renderActions(t) {
    var closed = CLOSED.indexOf(t.status) >= 0;
    var moves = L.may("tickets.transition") ? t.next_statuses : [];
    var select = L.clear(document.querySelector("#transition-form select[name=status]"));
    moves.forEach(function (status) {
      select.appendChild(el("option", { value: status, text: L.label("status", status) }));
    });
    show("transition-form", moves.length > 0);

    var canAssign = L.may("tickets.assign") && !closed && members.length > 0;
    if (canAssign) {
      var choose = L.clear(document.querySelector("#assign-form select[name=staff_id]"));
      choose.appendChild(el("option", { value: "", text: "— Tanpa petugas —" }));
      members.forEach(function (member) {
        choose.appendChild(el("option", { value: member.id,
          text: member.name + " · " + L.label("role", member.role) }));
      });
      choose.value = t.assignee || "";
    }
    show("assign-form", canAssign);

    var canReply = L.may("citizen.reply") && !!t.citizen;
    if (canReply) {
      document.getElementById("window").textContent = t.window_open
        ? "Jendela 24 jam WhatsApp terbuka hingga " + L.dateTime(t.window_until) +
          ": pesan Anda terkirim langsung sebagai teks."
        : "Jendela 24 jam WhatsApp sudah tertutup: yang terkirim sekarang adalah templat " +
          "ligat_status_update (nomor tiket dan statusnya); pesan Anda menyusul setelah warga membalas.";
      document.getElementById("window").className = t.window_open ? "notice open" : "notice";
    }
    show("reply-form", canReply);
    show("assessment-form", L.may("tickets.assess") && AFTER_VERIFICATION.indexOf(t.status) >= 0);
    show("note-form", L.may("tickets.note"));
    show("duplicate-form", L.may("tickets.duplicate") && !closed && !t.duplicate_of);
    show("reopen-form", L.may("tickets.reopen") && closed);
    var any = Array.prototype.some.call(document.querySelectorAll("#actions form"),
      function (form) { return !form.hidden; });
    var info = document.getElementById("read-only");
    if (!any && !info) {
      document.getElementById("actions").appendChild(el("p", { id: "read-only", class: "card muted",
        text: "Tidak ada tindakan yang tersedia untuk peran Anda pada tiket ini." }));
    } else if (any && info) {
      info.remove();
    }
  }

  // -- loading and actions ------------------------------------------------------------------

  function load() {
    return L.api("GET", path).then(render, function (error) {
      var box = document.getElementById("loading");
      box.removeAttribute("aria-busy");
      box.className = "card error";
      box.textContent = error.status === 404 ? "Tiket tidak ditemukan atau di luar wilayah kerja Anda." : error.message;
    });
  }

  function refused(error) {
    if (error.status === 409 && error.body && error.body.error === "version_conflict") {
      L.flash("Tiket baru saja diubah petugas lain; halaman dimuat ulang.", "error");
      return load();
    }
    L.failed(error);
    if (error.status === 409) load();
  }

  function action(id, suffix, build, done) {
    var form = document.getElementById(id);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = build(form);
      body.version = ticket.version;
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      L.api("POST", path + suffix, body).then(function (answer) {
        button.disabled = false;
        form.reset();
        done(answer, body);
      }, function (error) {
        button.disabled = false;
        refused(error);
      });
    });
  }

  function changed(message) {
    return function (answer) {
      render(answer);
      L.flash(message(answer));
    };
  }

  function bindActions() {
    action("transition-form", "/transitions", function (form) {
      return { status: form.elements.status.value, public_note: text(form, "public_note"),
        internal_note: text(form, "internal_note") };
    }, function (answer, body) {
      render(answer);
      L.flash("Status diubah ke " + L.label("status", answer.status) + "." +
        (body.public_note ? " Warga diberi tahu lewat WhatsApp." : ""));
    });
    action("assign-form", "/assign", function (form) {
      return { staff_id: form.elements.staff_id.value || null };
    }, changed(function (answer) {
      return answer.assignee ? "Tiket ditugaskan ke " + who(answer.assignee) + "." : "Penugasan dilepas.";
    }));
    action("assessment-form", "/assessment", function (form) {
      return { visit_date: form.elements.visit_date.value, findings: text(form, "findings"),
        recommendation: form.elements.recommendation.value };
    }, changed(function () { return "Hasil asesmen tersimpan."; }));
    action("note-form", "/notes", function (form) {
      return { text: text(form, "text") };
    }, changed(function () { return "Catatan tersimpan."; }));
    action("duplicate-form", "/duplicate", function (form) {
      return { of: text(form, "of") ? text(form, "of").toUpperCase() : "",
        internal_note: text(form, "internal_note") };
    }, changed(function (answer) { return "Ditandai duplikat dari " + answer.duplicate_of + "."; }));
    action("reopen-form", "/reopen", function (form) {
      return { public_note: text(form, "public_note"), internal_note: text(form, "internal_note") };
    }, changed(function () { return "Tiket dibuka kembali."; }));
    var reply = document.getElementById("reply-form");
    reply.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = reply.querySelector("button[type=submit]");
      button.disabled = true;
      L.api("POST", path + "/messages", { text: text(reply, "text") }).then(function (result) {
        button.disabled = false;
        reply.reset();
        L.flash(result.delivery === "text"
          ? "Pesan terkirim ke warga."
          : "Di luar jendela 24 jam: templat status terkirim; pesan Anda menyusul setelah warga membalas.");
        load();
      }, function (error) {
        button.disabled = false;
        L.failed(error);
      });
    });
  }

  function people() {
    var asks = [L.api("GET", "/admin/me")];
    if (L.may("staff.directory")) asks.push(L.api("GET", "/admin/staff"));
    return Promise.all(asks).then(function (got) {
      me = got[0];
      (got[1] ? got[1].staff : []).forEach(function (member) {
        staff[member.id] = member.name;
        if (member.active) members.push(member);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(
      document.querySelectorAll("#assessment-form option"),
      function (option) { RECOMMENDATION[option.value] = option.textContent; });
    bindActions();
    people().then(load, function (error) { L.failed(error); load(); });
  });
})();
