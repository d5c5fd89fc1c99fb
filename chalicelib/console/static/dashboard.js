/* Dasbor: new tickets today and this week, what is urgent, overdue or waiting, and the last 30
 * days per day, service and kecamatan (GET /admin/dashboard). Every count links to the queue
 * with its filter in the URL (the /admin/tickets query names). Charts are plain SVG built here,
 * each with a title and its figures in a table under "Lihat angka". */
(function () {
  "use strict";
  var L = window.LIGAT, el = L.el, base = L.config.base;
  var NS = "http://www.w3.org/2000/svg";
  var shown = null; // the last answer, redrawn when the width changes (labels are fitted)

  function queue(filters) {
    var query = Object.keys(filters).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(filters[key]);
    }).join("&");
    return base + "/console/tickets" + (query ? "?" + query : "");
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) node.appendChild(arguments[i]);
    return node;
  }

  function dayPlus(day, days) {
    var moment = new Date(day + "T00:00:00Z");
    moment.setUTCDate(moment.getUTCDate() + days);
    return moment.toISOString().slice(0, 10);
  }

  function shortDay(day) {
    return Number(day.slice(8, 10)) + "/" + Number(day.slice(5, 7));
  }

  function tickets(n) {
    return L.number(n) + " tiket";
  }

  // -- the figures -------------------------------------------------------------------------

  function stat(label, value, href, note, tone) {
    var figure = el("span", { class: "figure", text: L.number(value) });
    return el("div", { class: "card stat" + (tone && value ? " " + tone : "") },
      el("span", { class: "stat-label", text: label }),
      href ? el("a", { href: href, class: "stat-link" }, figure) : figure,
      note ? el("span", { class: "muted stat-note", text: note }) : null);
  }

  function figures(data, today) {
    var box = L.clear(document.getElementById("figures"));
    var week = dayPlus(today, -6);
    box.appendChild(stat("Baru hari ini", data.today,
      queue({ created_from: today, created_to: today }), L.date(today)));
    box.appendChild(stat("Baru 7 hari", data.week,
      queue({ created_from: week, created_to: today }), shortDay(week) + "–" + shortDay(today)));
    box.appendChild(stat("Terbuka", data.open, queue({}), "belum selesai"));
    box.appendChild(stat("Mendesak", data.urgent_open, queue({ priority: "tinggi" }),
      "terbuka, prioritas tinggi", "urgent"));
    box.appendChild(stat("Terlambat", data.overdue, queue({ overdue: "true" }),
      "melewati batas layanan", "overdue"));
    box.appendChild(stat("Jatuh tempo hari ini", data.due_today, null, "batas berikutnya hari ini"));
    if (data.waiting_conversations !== null && L.may("conversations.inbox")) {
      box.appendChild(stat("Chat menunggu", data.waiting_conversations,
        base + "/console/inbox?waiting=true", "warga menunggu petugas", "urgent"));
    }
    box.removeAttribute("aria-busy");

    var list = L.clear(document.getElementById("per-status"));
    data.per_status.forEach(function (row) {
      list.appendChild(el("li", {},
        el("a", { href: queue({ status: row.key }) }, L.label("status", row.key)),
        " ", el("span", { class: "badge", text: L.number(row.count) })));
    });
    document.getElementById("backlog").hidden = data.per_status.length === 0;
  }

  // -- the charts --------------------------------------------------------------------------

  function numbers(caption, head, rows) {
    return el("details", { class: "numbers" },
      el("summary", { text: "Lihat angka" }),
      el("div", { class: "table-wrap" },
        el("table", {},
          el("caption", { class: "visually-hidden", text: caption }),
          el("thead", {}, el("tr", {}, el("th", { text: head }), el("th", { text: "Tiket" }))),
          el("tbody", {}, rows.map(function (row) {
            var name = row.href ? el("a", { href: row.href, text: row.name }) : row.name;
            return el("tr", {}, el("td", {}, name), el("td", { text: L.number(row.count) }));
          })))));
  }

  function chartFrame(id, height, title, description) {
    return svg("svg", {
      class: "bars", width: "100%", height: height, role: "img",
      "aria-labelledby": id + "-title " + id + "-desc",
    },
    svg("title", { id: id + "-title", text: title }),
    svg("desc", { id: id + "-desc", text: description }));
  }

  function perDay(days) {
    var box = L.clear(document.getElementById("per-day"));
    var counts = days.map(function (d) { return d.count; });
    var total = counts.reduce(function (a, b) { return a + b; }, 0);
    var max = Math.max.apply(null, counts.concat([1]));
    var first = days[0].day, last = days[days.length - 1].day;
    var busiest = days.filter(function (d) { return d.count === max; })[0];
    var HEIGHT = 170, TOP = 18, BOTTOM = 22, plot = HEIGHT - TOP - BOTTOM, slot = 100 / days.length;
    var title = "Tiket baru per hari, " + L.date(first) + " sampai " + L.date(last);
    var description = total
      ? "Jumlah " + tickets(total) + "; terbanyak " + tickets(max) + " pada " + L.date(busiest.day) + "."
      : "Belum ada tiket baru dalam 30 hari terakhir.";
    var chart = chartFrame("per-day", HEIGHT, title, description);
    chart.appendChild(svg("text", { x: "0", y: "12", class: "tick", text: "maks. " + L.number(max) }));
    chart.appendChild(svg("line", {
      x1: "0", x2: "100%", y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM, class: "axis",
    }));
    days.forEach(function (d, i) {
      var height = d.count / max * plot, centre = (i + 0.5) * slot;
      var link = svg("a", { href: queue({ created_from: d.day, created_to: d.day }) },
        svg("title", { text: L.date(d.day) + ": " + tickets(d.count) }),
        svg("rect", { x: i * slot + "%", y: TOP, width: slot + "%", height: plot, class: "hit" }),
        svg("rect", {
          x: i * slot + slot * 0.15 + "%", y: HEIGHT - BOTTOM - height, width: slot * 0.7 + "%",
          height: height, class: "bar",
        }));
      chart.appendChild(link);
      if ((days.length - 1 - i) % 7 === 0) {
        chart.appendChild(svg("text", {
          x: centre + "%", y: HEIGHT - 6, "text-anchor": "middle", class: "tick", text: shortDay(d.day),
        }));
      }
    });
    box.appendChild(chart);
    box.appendChild(numbers(title, "Tanggal", days.map(function (d) {
      return { name: L.date(d.day), count: d.count, href: queue({ created_from: d.day, created_to: d.day }) };
    })));
    box.removeAttribute("aria-busy");
  }

  function nameOf(kind, row) {
    var known = row.key && (L.config.labels[kind] || {})[row.key];
    return known ? L.label(kind, row.key) : row.label;
  }

  function ranking(id, kind, filter, rows, first, last, what) {
    var box = L.clear(document.getElementById(id));
    box.removeAttribute("aria-busy");
    if (!rows.length) {
      box.appendChild(el("p", { class: "muted", text: "Belum ada tiket dalam 30 hari terakhir." }));
      return;
    }
    var ROW = 42, max = Math.max.apply(null, rows.map(function (r) { return r.count; }));
    var title = "Tiket baru per " + what + ", " + L.date(first) + " sampai " + L.date(last);
    var items = rows.map(function (row) {
      var filters = { created_from: first, created_to: last };
      filters[filter] = row.key;
      return { name: nameOf(kind, row), count: row.count, href: row.key ? queue(filters) : null };
    });
    var description = items.slice(0, 3).map(function (item) {
      return item.name + " " + tickets(item.count);
    }).join("; ") + (items.length > 3 ? "; dan " + (items.length - 3) + " lainnya." : ".");
    var chart = chartFrame(id, rows.length * ROW, title, description);
    var labels = [];
    items.forEach(function (item, i) {
      var y = i * ROW, width = item.count / max * 82;
      var label = svg("text", { x: "0", y: y + 15, class: "label", text: item.name });
      labels.push(label);
      var group = svg(item.href ? "a" : "g", item.href ? { href: item.href } : {},
        svg("title", { text: item.name + ": " + tickets(item.count) }),
        label,
        svg("rect", { x: "0", y: y + 21, width: Math.max(width, 0.6) + "%", height: 14, rx: 2, class: "bar" }),
        svg("text", { x: width + 1.5 + "%", y: y + 32, class: "value", text: L.number(item.count) }));
      chart.appendChild(group);
    });
    box.appendChild(chart);
    fit(chart, labels);
    box.appendChild(numbers(title, what.charAt(0).toUpperCase() + what.slice(1), items));
  }

  // A name longer than the chart is cut with an ellipsis; its <title> and the table keep it whole.
  function fit(chart, labels) {
    var room = chart.getBoundingClientRect().width - 4;
    labels.forEach(function (label) {
      var text = label.textContent;
      if (!room || label.getComputedTextLength() <= room) return;
      while (text.length > 4 && label.getComputedTextLength() > room) {
        text = text.slice(0, -2);
        label.textContent = text + "…";
      }
    });
  }

  function draw(data) {
    var days = data.per_day, first = days[0].day, last = days[days.length - 1].day;
    figures(data, last);
    perDay(days);
    ranking("per-service", "service", "service", data.per_service, first, last, "layanan");
    ranking("per-kecamatan", "kecamatan", "kecamatan", data.per_kecamatan, first, last, "kecamatan");
  }

  document.addEventListener("DOMContentLoaded", function () {
    L.api("GET", "/admin/dashboard").then(function (data) {
      shown = data;
      draw(data);
    }, L.failed);
    var width = window.innerWidth, timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (shown && window.innerWidth !== width) {
          width = window.innerWidth;
          draw(shown);
        }
      }, 200);
    });
  });
})();
