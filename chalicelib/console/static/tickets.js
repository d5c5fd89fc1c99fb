/* Antrean: the ticket queue (GET /admin/tickets). The filters live in the URL, so a link
 * shares the same view; each "Berikutnya" is a history entry, so the browser's back button
 * and "Sebelumnya" return to the page before. An asesor's queue is scoped by the API. */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var FILTERS = ["q", "status", "service", "kecamatan", "priority", "overdue", "assignee",
    "created_from", "created_to", "sort"];
  var OVERDUE = {
    verification: "Verifikasi terlambat",
    first_response: "Tanggapan pertama terlambat",
    final: "Lewat batas akhir",
  };
  var staff = {};  // id -> name, for the roles that may read the staff directory
  var me = null;

  function params() {
    return new URLSearchParams(location.search);
  }

  function fillForm(form, query) {
    FILTERS.forEach(function (name) {
      var field = form.elements[name];
      if (field && query.has(name)) field.value = query.get(name);
    });
  }

  function cleanUrl(query) {
    var text = query.toString();
    return location.pathname + (text ? "?" + text : "");
  }

  function onSubmit(event) {
    event.preventDefault();
    var query = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var field = event.target.elements[name];
      var value = field ? field.value.trim() : "";
      if (value && !(name === "sort" && value === "newest")) query.set(name, value);
    });
    location.assign(cleanUrl(query));
  }

  function assigneeName(id) {
    if (!id) return "Belum ditugaskan";
    if (me && id === me.id) return "Anda";
    return staff[id] || "Petugas lain";
  }

  function badges(ticket) {
    var out = [];
    if (ticket.priority === "tinggi") out.push(el("span", { class: "badge urgent", text: "Mendesak" }));
    ticket.overdue.forEach(function (breach) {
      out.push(el("span", { class: "badge overdue", text: OVERDUE[breach] || breach }));
    });
    return out;
  }

  function cell(labelText, kids, extra) {
    return el("td", { "data-label": labelText, class: extra || null }, kids);
  }

  function rowOf(ticket) {
    var link = el("a", { href: L.config.base + "/console/tickets/" + encodeURIComponent(ticket.number),
      text: ticket.number, class: "number" });
    var who = ticket.reporter_name ? el("small", { class: "muted block", text: ticket.reporter_name }) : null;
    var flags = badges(ticket);
    return el("tr", { class: ticket.priority === "tinggi" ? "urgent" : null },
      cell("Nomor", [link, who], "lead"),
      cell("Diterima", L.dateTime(ticket.created_at)),
      cell("Layanan", L.label("service", ticket.service_id)),
      cell("Kecamatan", ticket.kecamatan ? ticket.kecamatan.name : "–"),
      cell("Status", el("span", { class: "badge status-" + ticket.status, text: L.label("status", ticket.status) })),
      cell("Prioritas / tenggat", flags.length ? flags : el("span", { class: "muted", text: "Biasa" })),
      cell("Petugas", assigneeName(ticket.assignee)));
  }

  function render(box, list) {
    L.clear(box);
    if (!list.tickets.length) {
      box.appendChild(el("p", { class: "card muted", text: "Tidak ada tiket yang cocok dengan filter ini." }));
      return;
    }
    var head = el("tr", null, ["Nomor", "Diterima", "Layanan", "Kecamatan", "Status",
      "Prioritas / tenggat", "Petugas"].map(function (name) { return el("th", { scope: "col", text: name }); }));
    box.appendChild(el("div", { class: "table-wrap queue-wrap" },
      el("table", { class: "queue" }, el("thead", null, head),
        el("tbody", null, list.tickets.map(rowOf)))));
  }

  function pager(list) {
    var depth = (history.state && history.state.depth) || 0;
    var atStart = !params().has("cursor");
    var next = document.getElementById("next");
    next.hidden = !list.cursor;
    next.onclick = function () {
      var query = params();
      query.set("cursor", list.cursor);
      history.pushState({ depth: depth + 1 }, "", cleanUrl(query));
      load();
      window.scrollTo(0, 0);
    };
    var prev = document.getElementById("prev");
    prev.hidden = depth === 0;
    prev.onclick = function () { history.back(); };
    var first = document.getElementById("first");
    first.hidden = atStart || depth > 0;
    first.onclick = function () {
      var query = params();
      query.delete("cursor");
      history.replaceState({ depth: 0 }, "", cleanUrl(query));
      load();
    };
  }

  function load() {
    var box = document.getElementById("queue");
    box.setAttribute("aria-busy", "true");
    var query = params();
    if (!query.has("limit")) query.set("limit", "25");
    L.api("GET", "/admin/tickets?" + query.toString()).then(function (list) {
      render(box, list);
      pager(list);
      box.removeAttribute("aria-busy");
    }, function (error) {
      box.removeAttribute("aria-busy");
      var fields = (error.body && error.body.fields) || [];
      var detail = fields.map(function (f) { return f.field; }).join(", ");
      L.clear(box).appendChild(el("p", { class: "card error",
        text: error.message + (detail ? " (" + detail + ")" : "") }));
    });
  }

  function people() {
    if (!L.may("staff.directory")) {
      return L.api("GET", "/admin/me").then(function (who) { me = who; });
    }
    return Promise.all([L.api("GET", "/admin/me"), L.api("GET", "/admin/staff")]).then(function (got) {
      me = got[0];
      var select = document.querySelector("select[name=assignee]");
      got[1].staff.forEach(function (member) {
        staff[member.id] = member.name;
        select.appendChild(el("option", { value: member.id,
          text: member.name + " · " + L.label("role", member.role) }));
      });
      document.getElementById("assignee-filter").hidden = false;
      var chosen = params().get("assignee");
      if (chosen) select.value = chosen;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("filters");
    fillForm(form, params());
    var narrowed = FILTERS.some(function (name) { return name !== "q" && params().has(name); });
    if (narrowed || window.matchMedia("(min-width: 700px)").matches) {
      document.getElementById("more-filters").open = true;
    }
    form.addEventListener("submit", onSubmit);
    window.addEventListener("popstate", load);
    people().then(load, function (error) { L.failed(error); load(); });
  });
})();
