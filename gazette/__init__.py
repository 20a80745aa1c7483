"""gazette: a static site generator for a curated collection of Chinese news articles.

The modules follow the pipeline: read -> clean -> split -> extract -> importer (seeds to
content/) -> content (front matter to the model) -> model -> render -> search (what the indexes
hold) -> indexing (Pagefind, an index a year) -> output. The build runs them in order
(build: project -> changes -> ... -> output); check runs what reads and checks.
"""

__version__ = "0.3.0"
