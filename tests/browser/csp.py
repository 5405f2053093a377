"""Watch a Playwright page for Content-Security-Policy violations."""

# Runs before the page's own scripts (through the DevTools protocol, not a <script>,
# so the page's CSP neither blocks it nor reports it).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watch(page):
    """Record violations from the DOM event and from the console, on every page loaded."""
    page.add_init_script(LISTEN)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.csp_console = console
    return page


def violations(page):
    found = page.evaluate("() => window.__cspViolations || []")
    found += [line for line in page.csp_console if "Content Security Policy" in line]
    return found
