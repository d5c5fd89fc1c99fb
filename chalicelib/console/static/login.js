/* Sign-in page: POST /console/session (cookies are set by the answer), then the first sign-in's
 * new password when Cognito asks for one. */
(function () {
  "use strict";
  var main, base, challenge = null, email = "";

  function post(path, body) {
    return fetch(base + path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          var detail = (data.fields || []).map(function (f) { return f.message; }).join("; ");
          throw new Error(detail || data.message || "Gagal masuk. Coba lagi.");
        }
        return data;
      });
    });
  }

  function show(error) {
    document.getElementById("error").textContent = error.message;
  }

  function enter() {
    location.assign(main.dataset.next || base + "/console/");
  }

  document.addEventListener("DOMContentLoaded", function () {
    main = document.querySelector("main");
    base = main.dataset.base;
    var login = document.getElementById("login");
    var renew = document.getElementById("new-password");
    login.addEventListener("submit", function (event) {
      event.preventDefault();
      show({ message: "" });
      email = login.email.value.trim();
      post("/console/session", { email: email, password: login.password.value }).then(function (data) {
        if (data.challenge === "NEW_PASSWORD_REQUIRED") {
          challenge = data.session;
          login.hidden = true;
          renew.hidden = false;
          renew.new_password.focus();
        } else {
          enter();
        }
      }, show);
    });
    renew.addEventListener("submit", function (event) {
      event.preventDefault();
      if (renew.new_password.value !== renew.repeat.value) {
        show({ message: "Kedua kata sandi baru tidak sama." });
        return;
      }
      post("/console/session/password", {
        email: email, session: challenge, new_password: renew.new_password.value,
      }).then(enter, show);
    });
  });
})();
