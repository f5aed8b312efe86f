"""The publishing workflow's build job, run here: `python -m book.workflow_mirror [SCRATCH]`.

Everything comes from .github/workflows/publish.yml: the build job's `run:` steps run in order,
with the workflow's, the job's and each step's `env:` and what a step writes to $GITHUB_ENV, in a
fresh clone of this repository (with its uncommitted changes). What cannot run here is replaced,
and each replacement is printed:

* `uses:` steps: checkout is the clone itself; setup-python is this machine's Python 3.11, first on
  PATH as `python`; configure-pages gives a made-up Pages address; each cache's paths must exist
  after the build; upload-pages-artifact checks that its folder holds index.html. The deploy job
  does not run.
* `sudo apt-get update` is skipped and `sudo apt-get install` checks that the packages are
  installed; a pip `--index-url` (PyTorch's CPU wheels) is dropped: the same pins come from the
  machine's package index.
* BOOK_DATA=real downloads the data sets, which this machine cannot: with BOOK_DATA_SERVER naming a
  local data server (book/real_data_rehearsal.py: files in the real formats, made from the stand-ins)
  the mirror passes it on and the build fetches, checks and loads everything from there as a published
  build does (book/fetch_data.py); without it, the mirror builds with BOOK_DATA=standin and says so. A
  stand-in build never writes the real-data folder, so that cache path is then checked by name.

It fails on a step that fails, an expression it has no value for, a variable the workflow sets that
nothing in the repository reads, a cache path the build never wrote, or a site without index.html.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from book import REPO

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
# Values for the workflow's ${{ }} expressions, as GitHub would give them to a fork named so.
LOCAL_CONTEXT = {
    "steps.pages.outputs.base_url": "https://example-owner.github.io/pytorch-book",
    "github.server_url": "https://github.com",
    "github.repository": "example-owner/pytorch-book",
    "github.ref_name": "main",
}
# Where the variables a workflow sets may be read: the build's code, configuration and programs.
READERS = ["book", "snippets", "mkdocs.yml", "Makefile", "overrides"]
# ... or by a tool the build runs (pip's settings).
TOOL_PREFIXES = ("PIP_",)
SUDO = """#!/bin/bash
# sudo as the workflow mirror runs it: apt-get installs become a check that the packages are there.
while [[ "$1" == *=* ]]; do export "$1"; shift; done
if [[ "$1" != apt-get ]]; then exec "$@"; fi
if [[ "$2" == update ]]; then echo "mirror: skipped: apt-get update"; exit 0; fi
echo "mirror: apt-get install replaced by a check that these are installed: ${*:3}"
for package in "${@:3}"; do
  [[ "$package" == -* ]] && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \\
    || { echo "mirror: $package is not installed here"; exit 1; }
done
"""


class MirrorError(Exception):
    """A workflow step that does not work here."""


def say(message: str) -> None:
    print(f"mirror: {message}", flush=True)


def build_job(workflow: dict) -> tuple[str, dict]:
    """The job that uploads the Pages artifact, with its name."""
    for name, job in workflow["jobs"].items():
        if any("upload-pages-artifact" in str(step.get("uses")) for step in job.get("steps", [])):
            return name, job
    raise MirrorError("no job uploads a Pages artifact")


def expand(value, context: dict[str, str]) -> str:
    """A workflow value with its ${{ }} expressions replaced; an unknown expression is an error."""
    def one(match: re.Match) -> str:
        expression = match.group(1).strip()
        if expression not in context:
            raise MirrorError(f"no local value for ${{{{ {expression} }}}}")
        return context[expression]
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def unread_variables(names, clone: Path) -> list[str]:
    """The variables that no file of the build reads (a misspelt name, one nothing uses any more)."""
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for reader in READERS for path in ([clone / reader] if (clone / reader).is_file()
                                                        else sorted((clone / reader).rglob("*")))
                     if path.is_file())
    return [name for name in names if not name.startswith(TOOL_PREFIXES) and not re.search(rf"\b{name}\b", text)]


def check_read(names, clone: Path) -> None:
    unread = unread_variables(names, clone)
    if unread:
        raise MirrorError(f"the workflow sets variables that nothing in the build reads: {', '.join(unread)}")
    say(f"every variable the workflow sets is read by the build: {', '.join(names)}")


def scratch_clone(scratch: Path) -> Path:
    """What actions/checkout gives: the whole history, here with the uncommitted changes applied."""
    clone = scratch / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)], check=True)
    changes = subprocess.run(["git", "-C", str(REPO), "diff", "HEAD", "--binary"], check=True,
                             capture_output=True).stdout
    if changes:
        subprocess.run(["git", "-C", str(clone), "apply", "--whitespace=nowarn"], input=changes, check=True)
    return clone


def local_python(bin_dir: Path) -> str:
    """What actions/setup-python gives: `python` on PATH, here this machine's Python 3.11."""
    if not shutil.which("python3.11"):
        raise MirrorError("setup-python: no python3.11 on this machine")
    # The interpreter itself: a version manager's shim would pick a version by the name it is called by.
    found = subprocess.run(["python3.11", "-c", "import sys; print(sys.executable)"], check=True,
                           capture_output=True, text=True).stdout.strip()
    for name in ("python", "python3"):
        (bin_dir / name).symlink_to(found)
    return found


def run_step(script: str, env: dict[str, str], clone: Path, github_env: Path) -> None:
    """One `run:` step, as GitHub's bash runs it; afterwards, what it wrote to $GITHUB_ENV is kept."""
    for option in re.findall(r"--(?:extra-)?index-url[ =]\S+", script):
        say(f"dropped `{option}` (out of reach here): the same pins come from this machine's package index")
        script = script.replace(option, "")
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=clone, env=env)
    if result.returncode:
        raise MirrorError(f"the step failed (exit status {result.returncode})")
    for line in github_env.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        env[name] = value


def mirror(scratch: Path, workflow_file: Path = WORKFLOW) -> None:
    """Run the workflow's build job in scratch/clone; MirrorError names the first thing that fails."""
    workflow = yaml.safe_load(workflow_file.read_text(encoding="utf-8"))
    job_name, job = build_job(workflow)
    clone = scratch_clone(scratch)
    say(f"checkout: {clone} (a clone of {REPO}, whole history, uncommitted changes applied)")
    bin_dir, home, github_env = scratch / "bin", scratch / "home", scratch / "github_env"
    bin_dir.mkdir()
    home.mkdir()
    github_env.touch()
    (bin_dir / "sudo").write_text(SUDO)
    (bin_dir / "sudo").chmod(0o755)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("BOOK_", "GITHUB_", "PYTORCH_BOOK")) and name != "VIRTUAL_ENV"}
    env.update(HOME=str(home), CI="true", GITHUB_ENV=str(github_env), GITHUB_WORKSPACE=str(clone),
               PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}")
    context = dict(LOCAL_CONTEXT)
    set_by_workflow = {}
    for scope in (workflow, job):
        for name, value in (scope.get("env") or {}).items():
            env[name] = set_by_workflow[name] = expand(value, context)
    check_read({name: value for step in job["steps"] for name, value in (step.get("env") or {}).items()}
               | set_by_workflow, clone)
    real_data = os.environ.get("BOOK_DATA_SERVER")
    caches = []
    for number, step in enumerate(job["steps"], 1):
        title = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        say(f"--- {job_name} step {number}: {title}")
        action = str(step.get("uses", "")).split("@")[0]
        with_ = step.get("with") or {}
        if action == "actions/checkout":
            say("checkout: the clone above" + (" (fetch-depth: 0, whole history)" if with_.get("fetch-depth") == 0 else ""))
        elif action == "actions/setup-python":
            say(f"setup-python {with_.get('python-version')}: this machine's {local_python(bin_dir)}")
            if str(with_.get("python-version")) != "3.11":
                raise MirrorError(f"setup-python asks for {with_.get('python-version')}, the mirror has 3.11")
        elif action == "actions/configure-pages":
            say(f"configure-pages: base_url = {context['steps.pages.outputs.base_url']} (made up)")
        elif action == "actions/cache":
            paths = [line.strip() for line in str(with_.get("path", "")).splitlines() if line.strip()]
            caches += [path for path in paths if not path.startswith("!")]
            say(f"cache: nothing restored (a first run); after the build these must exist: {', '.join(paths)}")
        elif action == "actions/upload-pages-artifact":
            site = clone / with_.get("path", "_site")
            if not (site / "index.html").is_file():
                raise MirrorError(f"upload-pages-artifact: {site} holds no index.html")
            say(f"upload-pages-artifact: not uploaded; {site} holds index.html")
        elif action:
            raise MirrorError(f"no local stand-in for the action {action}")
        else:
            step_env = dict(env)
            for name, value in (step.get("env") or {}).items():
                step_env[name] = set_by_workflow[name] = expand(value, context)
            if step_env.get("BOOK_DATA") == "real" and not real_data:
                say("BOOK_DATA=real downloads the real data sets, out of reach here, and no local data server "
                    "is set (BOOK_DATA_SERVER): building with BOOK_DATA=standin")
                step_env["BOOK_DATA"] = "standin"
            elif step_env.get("BOOK_DATA") == "real":
                say(f"BOOK_DATA=real, its downloads from the local data server {real_data}")
                step_env["BOOK_DATA_SERVER"] = real_data
            run_step(step["run"], step_env, clone, github_env)
    check_read(set_by_workflow | dict(line.partition("=")[::2] for line in github_env.read_text(encoding="utf-8").splitlines()), clone)
    real_data_folder = (clone / "data").resolve()  # book/runner.py's REAL_DATA in the clone
    for path in caches:
        folder = (home / path[2:]) if path.startswith("~/") else clone / path
        if folder.exists():
            say(f"cache path written: {path}")
        elif folder.resolve() == real_data_folder and not real_data:
            say(f"cache path {path}: the real-data folder, which only a real-data build fills (not checked)")
        else:
            raise MirrorError(f"cache path never written by the build: {path}")
    for name, other in workflow["jobs"].items():
        if other is not job:
            say(f"job {name}: not run here ({', '.join(str(step.get('uses')) for step in other.get('steps', []))})")


def main() -> int:
    scratch = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="workflow-mirror-"))
    try:
        mirror(scratch)
    except MirrorError as error:
        say(f"FAILED: {error}")
        return 1
    say(f"the build job ran here; scratch folder: {scratch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
