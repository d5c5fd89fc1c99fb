/* Akun saya: who is signed in, their role and kecamatan scope (GET /admin/me). */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el;
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("account");
    L.api("GET", "/admin/me").then(function (me) {
      var scope = me.kecamatan.length
        ? me.kecamatan.map(function (code) { return L.label("kecamatan", code); }).join(", ")
        : "Semua kecamatan";
      L.clear(box).appendChild(el("dl", { class: "fields" },
        el("dt", { text: "Nama" }), el("dd", { text: me.name }),
        el("dt", { text: "Email" }), el("dd", { text: me.email }),
        el("dt", { text: "Peran" }), el("dd", { text: L.label("role", me.role) }),
        el("dt", { text: "Wilayah kerja" }), el("dd", { text: scope })));
      box.removeAttribute("aria-busy");
    }, L.failed);
  });
})();
