"""The publishing workflow, checked here: zizmor's audits (offline), torch's CPU build pinned as
pyproject.toml pins it."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

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
