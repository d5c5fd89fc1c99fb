/* LIGAT console: the pieces every page uses. No framework, no build step.
 *
 * LIGAT.api(method, path, body)  /admin JSON API with the session cookie and the CSRF token;
 *                                renews an expired session once, else back to the sign-in page
 * LIGAT.el(tag, attrs, ...kids)  DOM builder; text always goes in as text, never as HTML
 * LIGAT.config                   the page's config (base path, role, permissions, labels)
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ligat-config").textContent);

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = (body && body.message) || "Terjadi kesalahan (" + status + "). Coba lagi.";
  }

  function request(method, path, body) {
    var headers = { Accept: "application/json", "X-CSRF-Token": config.csrf };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(config.base + path, options);
  }

  function answer(response) {
    var kind = response.headers.get("Content-Type") || "";
    var parsed = kind.indexOf("json") >= 0 ? response.json() : Promise.resolve(null);
    return parsed.then(function (data) {
      if (!response.ok) throw new ApiError(response.status, data);
      return data;
    });
  }

  function renew() {
    return fetch(config.base + "/console/session/refresh", {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) return false;
      return response.json().then(function (data) {
        config.csrf = data.csrf;
        return true;
      });
    });
  }

  function signInAgain() {
    var here = location.pathname + location.search;
    location.assign(config.base + "/console/login?expired=1&next=" + encodeURIComponent(here));
    return new Promise(function () {});
  }

  function api(method, path, body) {
    return request(method, path, body).then(function (response) {
      if (response.status !== 401) return answer(response);
      return renew().then(function (renewed) {
        if (!renewed) return signInAgain();
        return request(method, path, body).then(function (again) {
          return again.status === 401 ? signInAgain() : answer(again);
        });
      });
    });
  }

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, kid) {
    if (kid === null || kid === undefined || kid === false) return;
    if (Array.isArray(kid)) kid.forEach(function (k) { append(node, k); });
    else node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  var WIB = { timeZone: "Asia/Jakarta" };
  function dateTime(iso) {
    if (!iso) return "–";
    var options = Object.assign({ dateStyle: "medium", timeStyle: "short" }, WIB);
    return new Intl.DateTimeFormat("id-ID", options).format(new Date(iso)) + " WIB";
  }
  function date(iso) {
    if (!iso) return "–";
    var day = iso.length === 10 ? new Date(iso + "T00:00:00+07:00") : new Date(iso);
    return new Intl.DateTimeFormat("id-ID", Object.assign({ dateStyle: "medium" }, WIB)).format(day);
  }
  function number(n) {
    return new Intl.NumberFormat("id-ID").format(n || 0);
  }
  function label(kind, code) {
    return (config.labels[kind] || {})[code] || code || "–";
  }
  function may(permission) {
    return config.permissions.indexOf(permission) >= 0;
  }

  var flashTimer = null;
  function flash(text, kind) {
    var box = document.getElementById("flash");
    clear(box).appendChild(el("p", { class: kind || "ok", text: text }));
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { clear(box); }, 8000);
  }
  function failed(error) {
    flash(error && error.message ? error.message : "Terjadi kesalahan. Coba lagi.", "error");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var logout = document.getElementById("logout");
    if (!logout) return;
    logout.addEventListener("click", function () {
      request("POST", "/console/session/logout").then(answer).then(function (data) {
        location.assign(data.next);
      }, failed);
    });
  });

  window.LIGAT = {
    config: config, api: api, el: el, clear: clear, ApiError: ApiError,
    dateTime: dateTime, date: date, number: number, label: label, may: may,
    flash: flash, failed: failed,
  };
})();
