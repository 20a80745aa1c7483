# Minimal Pelican site equivalent to ours (see bench/run.py).
SITENAME = "bench"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
THEME = "theme"
ARTICLE_URL = ARTICLE_SAVE_AS = "articles/{slug}.html"
CATEGORY_URL = CATEGORY_SAVE_AS = "cities/{slug}.html"
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = TAG_SAVE_AS = TAGS_SAVE_AS = ARCHIVES_SAVE_AS = ""
FEED_ALL_ATOM = CATEGORY_FEED_ATOM = None
DEFAULT_PAGINATION = False
CACHE_CONTENT = False
