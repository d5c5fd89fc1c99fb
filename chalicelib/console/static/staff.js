/* Staf: the staff directory (GET /admin/staff), a new member (POST /admin/staff: Cognito account
 * with a temporary password) and changes to one (PATCH /admin/staff/{id}: only what changed).
 * The API's 400 fields are shown next to their inputs. */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  var members = [], editing = null;

  function kecamatanNames(codes) {
    if (!codes.length) return "Belum ditentukan";
    return codes.map(function (code) { return L.label("kecamatan", code); }).join(", ");
  }

  function fillRoles(select) {
    Object.keys(L.config.labels.role).forEach(function (role) {
      select.appendChild(el("option", { value: role, text: L.label("role", role) }));
    });
  }

  function fillKecamatan(form) {
    var box = form.querySelector(".kecamatan-list");
    var kecamatan = L.config.labels.kecamatan;
    Object.keys(kecamatan).sort(function (a, b) {
      return kecamatan[a].localeCompare(kecamatan[b], "id");
    }).forEach(function (code) {
      box.appendChild(el("label", { class: "check" },
        el("input", { type: "checkbox", name: "kecamatan", value: code }), kecamatan[code]));
    });
  }

  function checkedKecamatan(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=kecamatan]"),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (node) { node.textContent = ""; });
  }

  function showErrors(form, error) {
    clearErrors(form);
    var fields = (error.body && error.body.fields) || [];
    var general = form.querySelector("[data-field=general]");
    if (!fields.length) general.textContent = error.message;
    fields.forEach(function (f) {
      var place = form.querySelector("[data-field=" + f.field.split(".")[0] + "] .field-error");
      var target = place || general;
      target.textContent = (target.textContent ? target.textContent + "; " : "") + f.message;
    });
    var first = form.querySelector(".field-error:not(:empty)");
    if (first) first.scrollIntoView({ block: "center" });
  }

  function yesNo(value) {
    return value ? "Ya" : "–";
  }

  function renderList() {
    var box = L.clear(document.getElementById("staff-list"));
    box.appendChild(el("div", { class: "table-wrap" }, el("table", { id: "staff-table" },
      el("thead", null, el("tr", null,
        ["Nama", "Peran", "Wilayah kerja", "Status", "Rekap", "Piket", "WhatsApp", ""]
          .map(function (title) { return el("th", { text: title }); }))),
      el("tbody", null, members.map(function (m) {
        return el("tr", { "data-email": m.email },
          el("td", null, m.name, el("div", { class: "muted", text: m.email })),
          el("td", { text: L.label("role", m.role) }),
          el("td", { text: m.role === "asesor" ? kecamatanNames(m.kecamatan) : "Semua" }),
          el("td", null, el("span", { class: "badge " + (m.active ? "open" : ""),
            text: m.active ? "Aktif" : "Nonaktif" })),
          el("td", { text: yesNo(m.rekap_recipient) }),
          el("td", { text: yesNo(m.duty_officer) }),
          el("td", { text: m.whatsapp || "–" }),
          el("td", null, el("button", { type: "button", class: "secondary small", text: "Ubah",
            "aria-label": "Ubah " + m.name, onclick: function () { openEdit(m); } })));
      })))));
    box.removeAttribute("aria-busy");
  }

  function load() {
    return L.api("GET", "/admin/staff").then(function (data) {
      members = data.staff;
      renderList();
    }, L.failed);
  }

  // -- add -------------------------------------------------------------------------------------

  function openAdd() {
    var form = document.getElementById("staff-add");
    document.getElementById("staff-edit").hidden = true;
    form.hidden = false;
    form.email.focus();
  }

  function add(event) {
    event.preventDefault();
    var form = event.target, button = form.querySelector("button[type=submit]");
    var request = {
      email: form.email.value.trim(),
      name: form.elements.namedItem("name").value,
      role: form.role.value,
      kecamatan: checkedKecamatan(form),
      temporary_password: form.temporary_password.value,
      rekap_recipient: form.rekap_recipient.checked,
      duty_officer: form.duty_officer.checked,
      whatsapp: form.whatsapp.value.trim(),
    };
    button.disabled = true;
    L.api("POST", "/admin/staff", request).then(function (member) {
      clearErrors(form);
      form.reset();
      form.role.value = "asesor";
      form.hidden = true;
      L.flash(member.name + " ditambahkan. Sampaikan kata sandi sementaranya secara langsung.");
      return load();
    }, function (error) {
      if (error.status === 400 || error.status === 409) showErrors(form, error);
      else L.failed(error);
    }).then(function () { button.disabled = false; });
  }

  // -- edit ------------------------------------------------------------------------------------

  function openEdit(member) {
    var form = document.getElementById("staff-edit");
    editing = member;
    document.getElementById("staff-add").hidden = true;
    clearErrors(form);
    document.getElementById("staff-edit-title").textContent = "Ubah " + member.name +
      " (" + member.email + ")";
    form.role.value = member.role;
    form.whatsapp.value = member.whatsapp;
    form.active.checked = member.active;
    form.rekap_recipient.checked = member.rekap_recipient;
    form.duty_officer.checked = member.duty_officer;
    form.querySelectorAll("input[name=kecamatan]").forEach(function (box) {
      box.checked = member.kecamatan.indexOf(box.value) >= 0;
    });
    form.hidden = false;
    form.scrollIntoView({ block: "start" });
    form.role.focus();
  }

  function changes(form, member) {
    var now = {
      role: form.role.value,
      kecamatan: checkedKecamatan(form),
      active: form.active.checked,
      rekap_recipient: form.rekap_recipient.checked,
      duty_officer: form.duty_officer.checked,
      whatsapp: form.whatsapp.value.trim(),
    };
    var changed = {};
    Object.keys(now).forEach(function (key) {
      var before = member[key];
      var same = Array.isArray(before)
        ? before.slice().sort().join() === now[key].slice().sort().join()
        : before === now[key];
      if (!same) changed[key] = now[key];
    });
    return changed;
  }

  function saveEdit(event) {
    event.preventDefault();
    var form = event.target, button = form.querySelector("button[type=submit]");
    var changed = changes(form, editing);
    if (!Object.keys(changed).length) {
      form.hidden = true;
      return L.flash("Tidak ada perubahan.");
    }
    button.disabled = true;
    L.api("PATCH", "/admin/staff/" + encodeURIComponent(editing.id), changed).then(function (m) {
      form.hidden = true;
      L.flash("Perubahan untuk " + m.name + " tersimpan.");
      return load();
    }, function (error) {
      if (error.status === 400 || error.status === 409) showErrors(form, error);
      else L.failed(error);
    }).then(function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var addForm = document.getElementById("staff-add");
    var editForm = document.getElementById("staff-edit");
    [addForm, editForm].forEach(function (form) {
      fillRoles(form.role);
      fillKecamatan(form);
    });
    addForm.role.value = "asesor";
    document.getElementById("staff-add-open").addEventListener("click", openAdd);
    document.getElementById("staff-add-cancel").addEventListener("click", function () {
      addForm.hidden = true;
    });
    document.getElementById("staff-edit-cancel").addEventListener("click", function () {
      editForm.hidden = true;
    });
    addForm.addEventListener("submit", add);
    editForm.addEventListener("submit", saveEdit);
    load();
  });
})();
