"""Markdown opened from Jupyter, rendered: the kit's docs and solutions as a page, not raw text.

Jupyter serves a file under /files/ as it is; a .md file arrives as text/markdown without a
charset, so a browser shows the Markdown source with broken characters ("Â·", "â†’"). This
handler (ContentsManager.files_handler_class, set by the kit's server settings) answers a
browser's navigation to a .md file (it asks for text/html) with the Markdown rendered to HTML,
UTF-8, with GitHub's heading ids (so `page.md#a-heading` lands on its heading) and links to other
pages kept relative (so they open rendered too). Links to a course notebook open it in Notebook,
in the learner's copy when there is one. Anything else (downloads, JupyterLab's own requests)
is served as before, with a charset for Markdown.
"""

import html
import os
import re
from urllib.parse import urlsplit

import mistune
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import AuthenticatedFileHandler
from jupyter_server.utils import url_path_join
from tornado import web

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem;
  margin: 2rem auto; padding: 0 1.25rem; color: #1f2328; }}
pre, code {{ font: 13.5px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }}
pre {{ background: #f6f8fa; padding: .8rem 1rem; overflow: auto; border-radius: 6px; }}
:not(pre) > code {{ background: #eff1f3; padding: .1em .3em; border-radius: 4px; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #d0d7de; padding: .3rem .6rem; }}
h1, h2, h3 {{ line-height: 1.25; }} h2 {{ border-bottom: 1px solid #d8dee4; padding-bottom: .3em; }}
a {{ color: #0969da; }} .kit-source {{ font-size: 13px; color: #59636e; }}
</style></head>
<body><p class="kit-source">{path} · <a href="?download=1">Markdown source</a></p>
{body}
</body></html>
"""


def slug(text, seen):
    """GitHub's heading id: lower case, punctuation dropped, spaces to hyphens; repeats numbered."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text)).strip().lower()
    base = re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")
    n = seen.get(base, 0)
    seen[base] = n + 1
    return base if n == 0 else f"{base}-{n}"


class KitRenderer(mistune.HTMLRenderer):
    def __init__(self, link_for):
        super().__init__(escape=False)
        self.seen = {}
        self.link_for = link_for

    def heading(self, text, level, **attrs):
        return f'<h{level} id="{slug(text, self.seen)}">{text}</h{level}>\n'

    def link(self, text, url, title=None):
        return super().link(text, self.link_for(url), title)


def render(markdown_text, link_for):
    md = mistune.create_markdown(renderer=KitRenderer(link_for), plugins=["table", "strikethrough", "url"])
    return md(markdown_text)


class MarkdownFilesHandler(AuthenticatedFileHandler):
    """/files/ as Jupyter serves it, but a .md file asked for as a page comes rendered."""

    def get_content_type(self):
        kind = super().get_content_type()
        return "text/markdown; charset=UTF-8" if kind == "text/markdown" else kind

    def _wants_page(self, path):
        accept = self.request.headers.get("Accept", "")
        return path.endswith(".md") and "text/html" in accept and not self.get_argument("download", None)

    @web.authenticated
    @authorized
    async def get(self, path, include_body=True):
        if not self._wants_page(path):
            return await super().get(path, include_body=include_body)
        self.check_xsrf_cookie()
        self.path = self.parse_url_path(path)
        absolute = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
        if absolute is None:
            return None
        with open(absolute, encoding="utf-8", errors="replace") as f:
            text = f.read()
        body = render(text, lambda url: self._link(path, url))
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(PAGE.format(title=html.escape(title), path=html.escape(path), body=body))
        return None

    def _link(self, page_path, url):
        """A relative link to a course notebook opens it in Notebook (the learner's copy if any)."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.endswith(".ipynb"):
            return url
        target = os.path.normpath(os.path.join(os.path.dirname(page_path), parts.path)).replace(os.sep, "/")
        folder, _, name = target.rpartition("/")
        mine = os.environ.get("FLATFILES_LEARNER_DIR") or "my-notebooks"
        if folder == "notebooks" and os.path.isfile(os.path.join(self.root, mine, name)):
            target = f"{mine}/{name}"
        base = self.settings.get("base_url", "/")
        return url_path_join(base, "notebooks", target) + (f"#{parts.fragment}" if parts.fragment else "")
