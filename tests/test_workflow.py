"""The publishing workflow, checked here: zizmor's audits (offline), torch's CPU build pinned as
pyproject.toml pins it, and (make check) the build job run locally by book/workflow_mirror.py.
The real downloads are out of reach on this machine: the mirror builds with real-format data from a local
server (book/real_data_rehearsal.py), or without one with stand-in data."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from book import pages, pdf, workflow_mirror
from conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
ZIZMOR = Path(sys.executable).with_name("zizmor")


def zizmor(workflow: Path) -> subprocess.CompletedProcess:
    """zizmor's audits, all of them (the pedantic persona), without the network."""
    return subprocess.run([str(ZIZMOR), "--offline", "--persona=pedantic", "--no-progress", str(workflow)],
                          capture_output=True, text=True, timeout=60)


def test_zizmor_finds_nothing_in_the_workflow():
    result = zizmor(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_reports_an_action_pinned_by_tag(tmp_path):
    workflow = tmp_path / "publish.yml"
    workflow.write_text(re.sub(r"actions/checkout@\w+", "actions/checkout@v4", WORKFLOW.read_text(encoding="utf-8")))
    result = zizmor(workflow)
    assert result.returncode != 0 and "unpinned-uses" in result.stdout


def pins(requirements) -> dict[str, str]:
    """{"torch": "2.14.1", ...} from requirement strings such as "torch==2.14.1"."""
    return dict(re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", requirement).groups() for requirement in requirements)


def test_the_workflow_installs_torchs_cpu_build_at_the_pinned_versions():
    pinned = pins(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"])
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    commands = [line for job in workflow["jobs"].values() for step in job.get("steps", [])
                for line in str(step.get("run", "")).splitlines() if re.search(r"\bpip install\b", line)]
    cpu = [command for command in commands if "download.pytorch.org/whl/cpu" in command]
    assert len(cpu) == 1, commands
    installed = pins(word for command in commands for word in command.split() if "==" in word)
    assert {"torch", "torchvision"} <= set(installed)
    assert installed == {name: pinned[name] for name in installed}


def test_mirror_fails_on_an_expression_it_has_no_value_for():
    with pytest.raises(workflow_mirror.MirrorError, match="github.actor"):
        workflow_mirror.expand("by ${{ github.actor }}", workflow_mirror.LOCAL_CONTEXT)


@pytest.mark.slow  # a fresh clone, a fresh venv and a cold build of the whole book: several minutes
def test_the_workflows_build_job_runs_here_with_real_data_from_a_local_server(real_data_build):
    """BOOK_DATA=real, its downloads served on 127.0.0.1 (book/real_data_rehearsal.py): the build job
    fetches, checks and loads everything as the published build does, and fills the data cache's path.
    (tests/test_real_data_rehearsal.py reads the pages and the data folder of the same build.)"""
    said = real_data_build["said"]
    assert f"BOOK_DATA=real, its downloads from the local data server {real_data_build['address']}" in said
    assert "cache path written: data" in said and "cache path written: .cache" in said
    assert "mirror: the build job ran here" in said
    clone = real_data_build["clone"]
    assert (clone / "site" / "index.html").is_file()
    assert sorted(path.name for path in (clone / "pdf").glob("*.pdf")) == sorted(map(pdf.pdf_name, pages.LANGUAGES))
    assert (clone / "data" / "torch" / "hub" / "checkpoints" / "vgg16-397923af.pth").is_file()


def built_by_hand(script, env, clone, github_env):
    """run_step, with make pdf, make build and the pip installs replaced by what they make, made by hand."""
    if "make pdf" in script:
        (clone / "pdf").mkdir()
    elif "make build" in script:
        (clone / "site").mkdir()
        (clone / "site" / "index.html").write_text("<html></html>")
        (clone / ".cache").mkdir()
    elif "pip install" not in script:
        original_run_step(script, env, clone, github_env)


original_run_step = workflow_mirror.run_step


@pytest.mark.slow  # a fresh clone of the repository each
@pytest.mark.parametrize("change, failure, message", [
    ("sudo apt-get update -qq\n", "sudo apt-get update -qq\n          no-such-tool --version\n", "step failed"),
    ("fonts-noto-cjk", "fonts-no-such-font", "step failed"),
    ("BOOK_SITE_URL:", "BOOK_SITEURL:", "nothing in the build reads: BOOK_SITEURL"),
    ("${{ github.ref_name }}", "${{ github.branch }}", "no local value"),
    ("            .cache\n", "            .cache\n            .cache/never-written\n", "never written"),
    (None, None, None),  # unchanged, it passes
])
def test_the_mirror_fails_on_a_step_that_cannot_work_here(tmp_path, monkeypatch, capsys, change, failure, message):
    text = WORKFLOW.read_text(encoding="utf-8")
    if change:
        assert change in text
        text = text.replace(change, failure)
    workflow = tmp_path / "publish.yml"
    workflow.write_text(text)
    monkeypatch.setattr(workflow_mirror, "run_step", built_by_hand)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.delenv("BOOK_DATA_SERVER", raising=False)
    if message:
        with pytest.raises(workflow_mirror.MirrorError, match=message):
            workflow_mirror.mirror(scratch, workflow)
    else:
        workflow_mirror.mirror(scratch, workflow)
        # without a local data server, BOOK_DATA=real cannot run here: the mirror says so, builds with stand-ins
        assert "building with BOOK_DATA=standin" in capsys.readouterr().out
