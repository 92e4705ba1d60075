"""Markdown extension: every paragraph, heading and list item gets `dir="auto"`.

A story may mix English with Arabic or Hebrew paragraphs; `dir="auto"` lets
the browser set each block's direction from its own text.
"""

from markdown import Extension
from markdown.treeprocessors import Treeprocessor

BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "blockquote"}


class AutoDirection(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if element.tag in BLOCKS:
                element.set("dir", "auto")


class BidiExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(AutoDirection(md), "auto_direction", 1)


def makeExtension(**kwargs):
    return BidiExtension(**kwargs)
