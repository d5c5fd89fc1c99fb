/* Rekap: one WIB day's rekap (GET /admin/rekap/{day}) as figures and tables, its XLSX
 * (GET .../xlsx, fetched as a blob with the XLSX Accept header) and, for admins, a resend to the
 * rekap recipients (POST .../send) after a confirmation in the page. */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  function yesterdayWib() {
    return new Date(Date.now() + 7 * 3600e3 - 864e5).toISOString().slice(0, 10);
  }

  function day() {
    return document.querySelector("#rekap-form input[name=day]").value;
  }

  function figure(label, value, note) {
    return el("div", { class: "card" },
      el("div", { class: "muted", text: label }),
      el("div", { class: "figure", text: value }),
      note ? el("div", { class: "muted", text: note }) : null);
  }

  function lineTable(title, lines, extra) {
    var body = lines.length ? lines.map(function (line) {
      return el("tr", null, el("td", { text: line.label }),
        el("td", { class: "num", text: L.number(line.count) }),
        extra ? el("td", { class: "num", text: extra(line) }) : null);
    }) : el("tr", null, el("td", { class: "muted", colspan: extra ? 3 : 2, text: "Tidak ada." }));
    return el("div", { class: "table-wrap" }, el("table", null,
      el("caption", { text: title }),
      el("tbody", null, body)));
  }

  function ticketLink(number) {
    return el("a", { href: L.config.base + "/console/tickets/" + encodeURIComponent(number),
      text: number });
  }

  function rowTable(rows, extra) {
    if (!rows.length) return el("p", { class: "muted", text: "Tidak ada." });
    return el("div", { class: "table-wrap" }, el("table", { class: "rekap-rows" },
      el("thead", null, el("tr", null,
        ["Nomor", "Diterima", "Layanan", "Wilayah", "Status", "Pelapor", "Uraian"]
          .concat(extra ? [extra.title] : [])
          .map(function (title) { return el("th", { text: title }); }))),
      el("tbody", null, rows.map(function (r) {
        return el("tr", null,
          el("td", null, ticketLink(r.number),
            r.urgent ? [" ", el("span", { class: "badge urgent", text: r.priority_label })] : null),
          el("td", { text: L.dateTime(r.received_at) }),
          el("td", null, r.service, el("div", { class: "muted", text: r.type_label })),
          el("td", null, r.kecamatan, el("div", { class: "muted", text: r.desa })),
          el("td", { text: r.status_label }),
          el("td", null, r.reporter, el("div", { class: "muted", text: [r.phone, r.nik]
            .filter(Boolean).join(" · ") })),
          el("td", { class: "wrap", text: r.description }),
          extra ? el("td", { text: extra.value(r) }) : null);
      }))));
  }

  function render(rekap) {
    var box = L.clear(document.getElementById("rekap"));
    var satisfaction = rekap.satisfaction.average === null ? "–"
      : rekap.satisfaction.average.toFixed(1).replace(".", ",") + "/5";
    box.appendChild(el("p", { class: "muted", id: "rekap-heading", text: "Rekap " +
      L.date(rekap.day) + " · " + rekap.scope + " · dibuat " + L.dateTime(rekap.made_at) }));
    box.appendChild(el("div", { class: "grid figures" },
      figure("Laporan baru", L.number(rekap.new.total)),
      figure("Mendesak", L.number(rekap.new.urgent)),
      figure("Permintaan informasi", L.number(rekap.information.total)),
      figure("Tunggakan terbuka", L.number(rekap.backlog.total)),
      figure("Lewat batas layanan", L.number(rekap.backlog.overdue.length)),
      figure("Selesai/ditutup", L.number(rekap.closed.total)),
      figure("Kepuasan", satisfaction, L.number(rekap.satisfaction.count) + " penilaian")));
    box.appendChild(el("h2", { text: "Laporan baru" }));
    box.appendChild(el("div", { class: "grid tables" },
      lineTable("Per layanan", rekap.new.by_service),
      lineTable("Per kecamatan", rekap.new.by_kecamatan),
      lineTable("Per jenis", rekap.new.by_type),
      lineTable("Per prioritas", rekap.new.by_priority)));
    box.appendChild(rowTable(rekap.new.rows));
    box.appendChild(el("h2", { text: "Mendesak (baru atau masih terbuka)" }));
    box.appendChild(rowTable(rekap.urgent));
    box.appendChild(el("h2", { text: "Lewat batas layanan" }));
    box.appendChild(rowTable(rekap.backlog.overdue,
      { title: "Terlewat", value: function (r) { return r.breaches.join(", "); } }));
    box.appendChild(el("h2", { text: "Tunggakan" }));
    box.appendChild(el("div", { class: "grid tables" },
      lineTable("Per status (hari tertua)", rekap.backlog.by_status,
        function (line) { return line.oldest_days + " hr"; }),
      lineTable("Per umur", rekap.backlog.by_age),
      lineTable("Permintaan informasi per layanan", rekap.information.by_service),
      lineTable("Ditutup per hasil", rekap.closed.by_outcome)));
    box.appendChild(el("h2", { text: "Ditutup" }));
    box.appendChild(rowTable(rekap.closed.rows,
      { title: "Hasil", value: function (r) { return r.outcome; } }));
  }

  function show() {
    var box = document.getElementById("rekap");
    if (!day()) return L.flash("Pilih tanggal dulu.", "error");
    box.setAttribute("aria-busy", "true");
    L.clear(box).appendChild(el("p", { class: "muted", text: "Memuat rekap…" }));
    L.api("GET", "/admin/rekap/" + day()).then(function (rekap) {
      render(rekap);
      box.removeAttribute("aria-busy");
    }, function (error) {
      L.clear(box);
      L.failed(error);
    });
  }

  function download() {
    var chosen = day();
    if (!chosen) return L.flash("Pilih tanggal dulu.", "error");
    var button = document.getElementById("rekap-download");
    button.disabled = true;
    fetch(L.config.base + "/admin/rekap/" + chosen + "/xlsx", {
      headers: { Accept: XLSX }, credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new L.ApiError(response.status, null);
      return response.blob();
    }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var link = el("a", { href: url, download: "rekap-ligat-" + chosen + ".xlsx", hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    }).catch(L.failed).then(function () { button.disabled = false; });
  }

  function askResend() {
    if (!day()) return L.flash("Pilih tanggal dulu.", "error");
    document.getElementById("rekap-confirm-text").textContent = "Kirim ulang rekap " +
      L.date(day()) + " ke semua penerima rekap? Setiap penerima mendapat e-mail lagi.";
    document.getElementById("rekap-confirm").hidden = false;
    document.getElementById("rekap-confirm-yes").focus();
  }

  function resend() {
    var chosen = day(), yes = document.getElementById("rekap-confirm-yes");
    yes.disabled = true;
    L.api("POST", "/admin/rekap/" + chosen + "/send").then(function (sent) {
      document.getElementById("rekap-confirm").hidden = true;
      L.flash("Rekap " + L.date(sent.day) + " dikirim ulang ke " + L.number(sent.emails) +
        " penerima.");
    }, L.failed).then(function () { yes.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("rekap-form");
    form.day.value = yesterdayWib();
    form.day.max = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    form.addEventListener("submit", function (event) { event.preventDefault(); show(); });
    document.getElementById("rekap-download").addEventListener("click", download);
    if (L.may("rekap.send")) {
      var resendButton = document.getElementById("rekap-resend");
      resendButton.hidden = false;
      resendButton.addEventListener("click", askResend);
      document.getElementById("rekap-confirm-yes").addEventListener("click", resend);
      document.getElementById("rekap-confirm-no").addEventListener("click", function () {
        document.getElementById("rekap-confirm").hidden = true;
      });
    }
    show();
  });
})();
