"""Command line: build (default), import, check, serve, new."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from .errors import GazetteError, Report


def _parser() -> argparse.ArgumentParser:
    prog = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "gazette"  # build.py, or the `gazette` command
    parser = argparse.ArgumentParser(prog=prog, description="Build the article collection into a static site.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (default: current folder)")
    parser.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    parser.add_argument("--base-url", help="absolute URL of the published site, e.g. https://user.github.io/repo/")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser("build", help="import new seeds, then build public/ (the default)")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    imp = sub.add_parser("import", help="turn seeds into content/*.md drafts (never over your edits)")
    imp.add_argument("files", nargs="*", type=Path, help="seed files (default: all of seeds/)")
    imp.add_argument("--json", action="store_true", help="write nothing; print the articles as JSON")
    sub.add_parser("check", help="validate content, settings and layouts without writing public/")
    serve = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on changes")
    serve.add_argument("--port", type=int, default=8000)
    new = sub.add_parser("new", help="create a new content file to fill in")
    new.add_argument("slug", help="file name for content/SLUG.md (ASCII letters, digits, '-')")
    return parser


def _print_report(report: Report) -> None:
    for line in report.info:
        print(line)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .project import Project  # imported late: --help stays fast
    project = Project(args.root.resolve(), args.out.resolve() if args.out else None, args.base_url)
    report = Report()
    command = args.command or "build"
    try:
        code = _run(command, args, project, report)
    except GazetteError as exc:
        report.error(exc)
        code = 1
    except OSError as exc:  # the system's refusal (disk full, read-only, a file gone): one line, no traceback
        report.error(_system_error(exc))
        code = 1
    except KeyboardInterrupt:
        print("interrupted: public/ is unchanged", file=sys.stderr)
        return 130
    _print_report(report)
    return 1 if report.errors else code


_HINTS = {errno.ENOSPC: "the disk is full: free some space and build again",
          errno.EDQUOT: "the disk quota is used up: free some space and build again",
          errno.EROFS: "the file system is read-only", errno.EACCES: "the folder is not writable",
          errno.EPERM: "the folder is read-only or immutable", errno.ENOENT: "was it removed while the build ran?"}


def _system_error(exc: OSError) -> GazetteError:
    hint = _HINTS.get(exc.errno)
    if hint and exc.errno != errno.ENOENT:
        hint += "; the published site is unchanged"
    return GazetteError(exc.strerror or str(exc), exc.filename, hint=hint)


def _counts(report: Report) -> str:
    """Warnings, and review notes apart: a note is for a curator to check, not a problem."""
    notes = f", {len(report.notes)} review notes" if report.notes else ""
    return f"{len(report.warnings)} warnings{notes}"


def _indexed(years: list[str]) -> str:
    return f"search index made again for {', '.join(years)}" if years else "search index unchanged"


def _run(command: str, args, project, report: Report) -> int:
    from .build import build
    from .check import check
    from .importer import drafts_as_json, import_seeds, seed_files

    if command == "build":
        result = build(project, report, force=getattr(args, "force", False))
        for path in result.imported:
            report.info.append(f"imported {path.relative_to(project.root)}")
        if report.errors:
            report.info.append(f"build failed: {len(report.errors)} errors; {project.public.name}/ left as it was")
        elif result.skipped:
            report.info.append(f"nothing changed: {result.articles} articles, {result.pages} pages, "
                               f"{_counts(report)} ({result.seconds:.2f} s)")
        else:
            report.info.append(f"built {result.articles} articles, {result.pages} pages, {_counts(report)}"
                               f" in {result.seconds:.1f} s ({_indexed(result.indexed)})")
        return 0
    if command == "import":
        files = [f.resolve() for f in args.files] or seed_files(project.seeds)
        if args.json:
            print(json.dumps(drafts_as_json(files, report), ensure_ascii=False, indent=2))
            return 0
        from .cache import project_lock
        with project_lock(project.cache):  # a build imports too
            written = import_seeds(files, project.content, report)
        report.info.append(f"wrote {len(written)} content files")
        return 0
    if command == "check":
        count = check(project, report)
        report.info += [f"note: {note}" for note in report.notes]
        report.info.append(f"checked {count} articles: {len(report.errors)} errors, {_counts(report)}")
        return 0
    if command == "serve":
        from .serve import serve
        project.drafts = True  # a preview shows drafts, each with a banner
        return serve(project, args.port)
    if command == "new":
        return _new(project, args.slug, report)
    raise GazetteError(f"unknown command {command!r}")


def _new(project, slug: str, report: Report) -> int:
    import datetime as dt

    from .content import SLUG, TEMPLATE
    if not SLUG.match(slug):
        raise GazetteError(f"{slug!r} is not a valid slug", hint="use lowercase ASCII letters, digits and '-'")
    path = project.content / f"{slug}.md"
    if path.exists():
        raise GazetteError("file exists already", path)
    project.content.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(date=dt.date.today().isoformat()), encoding="utf-8")
    report.info.append(f"created {path.relative_to(project.root)}: fill it in (`check` says what is left),"
                       " delete its `draft: true` line, then run make")
    return 0
