"""The staff web console under /console/, served by the same Chalice deployment.

Pages are small server-rendered shells (Jinja2, autoescaped); each page's script reads and changes
data only through the /admin JSON API, so the console passes the same role checks as any other
client. The browser holds the session in HttpOnly cookies (never in a URL or in reach of a
script) and proves each state-changing request with a CSRF token rendered into the page.

    pages.py      the page registry (name, title, permission, template, script) and rendering
    session.py    session cookies, CSRF, security headers
    templates/    shell.html (navigation, header) and one template per page
    static/       console.css, console.js (API client, DOM builder, formats) and one script per page

Adding a page: a template and a script, one `Page` in `PAGES`; routes/console.py serves it.
"""
