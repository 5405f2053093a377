"""How readers find articles: the section tree and menus (sections), home blocks (home),
list pages (pagination), tags and bylines on cards (labels), search, related articles,
most read (readership), feeds, sitemaps, page metadata, and old addresses (redirects)."""
